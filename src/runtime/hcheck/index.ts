/**
 * Active health checks as mod_proxy_hcheck runs them: every `hcinterval` each balancer member with an `hcmethod`
 * other than NONE is probed (TCP connect, or an OPTIONS/HEAD/GET request for the member's path + `hcuri`). A probe
 * passes when it connects (TCP), when the `hcexpr` condition (a `ProxyHCExpr` name) holds, or — without one — when
 * the status is 2xx or 3xx. `hcfails` failures in a row set the member's C flag ("HcFl": out of rotation);
 * `hcpasses` passes in a row clear it, and clear an error state too, so the member rejoins (mod_proxy_hcheck.c
 * hc_check). `hctemplate=name` takes the parameters of a `ProxyHCTemplate`, the member's own ones win.
 *
 * The `ProxyHCExpr`/`ProxyHCTemplate` definitions come from each server's `healthChecks` in the model. httpd keeps
 * them per server (a vhost's members see only that vhost's); apx has one set of balancers for the whole
 * configuration, so it takes every server's definitions, the main server's first, then each vhost's in config
 * order, a later definition of a name replacing an earlier one. Timers are unref'd (they never keep the process
 * alive) and stopped by stop().
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { completeModel } from '../../model/legacy.js';
import type { HealthChecks, ProxyModel } from '../../model/types.js';
import type { BalancerRuntime } from '../balancer.js';
import type { Params } from '../manager/edit.js';
import type { HealthView } from '../manager/index.js';
import type { HcView } from '../manager/page.js';
import { StartupError } from '../startup-error.js';
import type { Worker } from '../worker.js';
import { parseHcExpr, type HcExpr, type ProbeResult } from './expr.js';

/** proxy_hcmethods: the implemented ones (`*11` send HTTP/1.1, which Node always does). */
const METHODS = ['NONE', 'TCP', 'OPTIONS', 'HEAD', 'GET', 'OPTIONS11', 'HEAD11', 'GET11'] as const;
type HcMethod = (typeof METHODS)[number];

interface HcState {
  method: HcMethod;
  intervalMs: number;
  passes: number;
  fails: number;
  uri: string;
  exprName: string;
  pcount: number;
  fcount: number;
  timer: NodeJS.Timeout | null;
  running: boolean;
}

export interface HealthEvent {
  readonly worker: Worker;
  readonly balancer: BalancerRuntime;
  readonly healthy: boolean;
  readonly detail: string;
}

/** ap_timeout_parameter_parse with seconds as the default unit: `30`, `500ms`, `2s`, `1mi`, `1h`. */
export function parseInterval(text: string): number | null {
  const m = /^(\d+)(ms|s|mi|h)?$/i.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  return unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'mi' ? n * 60_000 : n * 3_600_000;
}

/** Every server's health-check definitions, main server first, in config order (a model from before they were fields is completed first). */
function definitions(model: ProxyModel): HealthChecks {
  const m = completeModel(model);
  const servers = [m.mainServer, ...m.virtualHosts];
  return { expressions: servers.flatMap((s) => s.healthChecks.expressions), templates: servers.flatMap((s) => s.healthChecks.templates) };
}

export class HealthChecker implements HealthView {
  private readonly states = new Map<Worker, HcState>();
  private readonly owners = new Map<Worker, BalancerRuntime>();
  private readonly exprs = new Map<string, { text: string; test: HcExpr }>();
  private stopped = false;

  constructor(
    model: ProxyModel,
    balancers: ReadonlyMap<string, BalancerRuntime>,
    private readonly onEvent: (e: HealthEvent) => void = () => {},
  ) {
    const defs = definitions(model);
    for (const { name, expr } of defs.expressions) {
      try {
        this.exprs.set(name, { text: expr, test: parseHcExpr(expr) });
      } catch (err) {
        throw new StartupError(`ProxyHCExpr ${name}: ${(err as Error).message}`, "apx evaluates %{REQUEST_STATUS} and hc('body') with =~ !~ == != < > -eq … && || !; simplify the condition");
      }
    }
    const templates = new Map<string, Record<string, string>>();
    for (const { name, params } of defs.templates) templates.set(name, { ...params });
    for (const b of balancers.values()) {
      for (const w of b.members) {
        const own = w.params.other;
        const tplName = own['hctemplate'];
        const tpl = tplName !== undefined ? templates.get(tplName) : {};
        if (tpl === undefined) throw new StartupError(`BalancerMember ${w.name}: hctemplate=${tplName} names no ProxyHCTemplate`, `define ProxyHCTemplate ${tplName} hcmethod=GET hcuri=/ before the balancer`);
        const p = { ...tpl, ...own };
        const method = (p['hcmethod'] ?? 'NONE').toUpperCase() as HcMethod;
        if (!METHODS.includes(method)) throw new StartupError(`BalancerMember ${w.name}: unknown hcmethod=${p['hcmethod']}`, `use one of ${METHODS.join(', ')}`);
        const exprName = p['hcexpr'] ?? '';
        if (exprName && !this.exprs.has(exprName)) throw new StartupError(`BalancerMember ${w.name}: hcexpr=${exprName} names no ProxyHCExpr`, `define ProxyHCExpr ${exprName} {%{REQUEST_STATUS} =~ /^[234]/}`);
        const interval = p['hcinterval'] !== undefined ? parseInterval(p['hcinterval']) : 30_000;
        // mod_proxy_hcheck refuses intervals below the watchdog's 100 ms slice.
        if (interval === null || interval < 100) throw new StartupError(`BalancerMember ${w.name}: hcinterval=${p['hcinterval']} is not a time of at least 100ms`, 'write hcinterval=30 (seconds) or hcinterval=500ms');
        this.owners.set(w, b);
        this.states.set(w, {
          method,
          intervalMs: interval,
          passes: Math.max(1, Number(p['hcpasses'] ?? 1) || 1),
          fails: Math.max(1, Number(p['hcfails'] ?? 1) || 1),
          uri: p['hcuri'] ?? '',
          exprName,
          pcount: 0,
          fcount: 0,
          timer: null,
          running: false,
        });
      }
    }
  }

  /** True when some member has a health check (so the manager shows the HC columns). */
  get active(): boolean {
    return [...this.states.values()].some((s) => s.method !== 'NONE');
  }

  start(): void {
    for (const [w, s] of this.states) this.schedule(w, s);
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.states.values()) {
      if (s.timer) clearInterval(s.timer);
      s.timer = null;
    }
  }

  private schedule(w: Worker, s: HcState): void {
    if (s.timer) clearInterval(s.timer);
    s.timer = null;
    if (this.stopped || s.method === 'NONE') return;
    s.timer = setInterval(() => void this.check(w, s), s.intervalMs);
    s.timer.unref();
  }

  /** One probe and its bookkeeping (hc_check). Probes of one member never overlap. */
  async check(w: Worker, s: HcState = this.states.get(w)!): Promise<void> {
    if (s.running || s.method === 'NONE') return;
    s.running = true;
    let ok: boolean;
    let detail: string;
    try {
      const r = await this.probe(w, s);
      if (r === null) {
        ok = true;
        detail = 'connected';
      } else {
        const expr = s.exprName ? this.exprs.get(s.exprName) : undefined;
        ok = expr ? expr.test(r) : r.status >= 200 && r.status <= 399;
        detail = `status ${r.status}${expr ? `, hcexpr ${s.exprName} ${ok ? 'holds' : 'fails'}` : ''}`;
      }
    } catch (err) {
      ok = false;
      detail = (err as Error).message;
    } finally {
      s.running = false;
    }
    if (this.stopped) return;
    const b = this.owners.get(w)!;
    if (ok) {
      if (w.hcFailed) {
        s.pcount++;
        if (s.pcount >= s.passes) {
          w.hcFailed = false;
          w.status.inError = false;
          s.pcount = 0;
          b.needReset = true;
          this.onEvent({ worker: w, balancer: b, healthy: true, detail });
        }
      }
      s.fcount = 0;
    } else {
      s.pcount = 0;
      if (!w.hcFailed) {
        s.fcount++;
        if (s.fcount >= s.fails) {
          w.hcFailed = true;
          s.fcount = 0;
          this.onEvent({ worker: w, balancer: b, healthy: false, detail });
        }
      }
    }
  }

  /** null for TCP (it connected); else the response's status and (for GET) the first 64 KiB of its body. */
  private probe(w: Worker, s: HcState): Promise<ProbeResult | null> {
    const u = new URL(w.name);
    const port = Number(u.port || (u.protocol === 'https:' || u.protocol === 'wss:' ? 443 : 80));
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const timeoutMs = Math.max(100, (w.params.connectionTimeout || w.params.timeout || 60) * 1000);
    if (s.method === 'TCP') {
      return new Promise((resolve, reject) => {
        const sock = connect({ host, port });
        sock.setTimeout(timeoutMs, () => sock.destroy(new Error('connect timed out')));
        sock.once('connect', () => {
          sock.destroy();
          resolve(null);
        });
        sock.once('error', reject);
      });
    }
    const base = u.pathname.replace(/\/+$/, '');
    const path = s.uri ? `${base}${s.uri.startsWith('/') ? '' : '/'}${s.uri}` : base || '/';
    const method = s.method.replace(/11$/, '');
    const secure = u.protocol === 'https:' || u.protocol === 'wss:';
    return new Promise((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(
        { host, port, path, method, agent: false, headers: { Host: u.host, 'User-Agent': 'apx-hcheck' }, rejectUnauthorized: w.verifyTls, timeout: timeoutMs },
        (res) => {
          let body = '';
          res.setEncoding('latin1');
          res.on('data', (c: string) => {
            if (body.length < 65536) body += c;
          });
          res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.once('error', reject);
        },
      );
      req.once('timeout', () => req.destroy(new Error('timed out')));
      req.once('error', reject);
      req.end();
    });
  }

  expressions(): (readonly [string, string])[] {
    // hc_show_exprs shows the condition without its braces.
    return [...this.exprs].map(([name, e]) => [name, e.text.trim().replace(/^\{\s*([\s\S]*?)\s*\}$/, '$1')] as const);
  }

  view(w: Worker): HcView | null {
    const s = this.states.get(w);
    if (!s) return null;
    return { method: s.method, intervalMs: s.intervalMs, passes: s.passes, passCount: s.pcount, fails: s.fails, failCount: s.fcount, uri: s.uri, expr: s.exprName };
  }

  /** The manager's health-check fields (balancer_process_balancer_worker: w_hm, w_hi, w_hp, w_hf, w_hu, w_he, w_status_C). */
  edit = (w: Worker, params: Params): string[] => {
    const s = this.states.get(w);
    if (!s) return [];
    const changed: string[] = [];
    let v = params.get('w_status_C');
    if (v !== undefined) {
      w.hcFailed = /^\s*[+-]?\d+/.test(v) && Number.parseInt(v, 10) !== 0;
      changed.push(`C=${w.hcFailed ? 1 : 0}`);
    }
    let reschedule = false;
    v = params.get('w_hi');
    if (v !== undefined) {
      const ms = parseInterval(v.replace(/^(\d+)$/, '$1ms'));
      if (ms !== null && ms >= 100) {
        s.intervalMs = ms;
        reschedule = true;
        changed.push(`hcinterval=${ms}ms`);
      }
    }
    v = params.get('w_hp');
    if (v !== undefined && Number.parseInt(v, 10) >= 1) s.passes = Number.parseInt(v, 10);
    v = params.get('w_hf');
    if (v !== undefined && Number.parseInt(v, 10) >= 1) s.fails = Number.parseInt(v, 10);
    v = params.get('w_hm');
    if (v !== undefined && METHODS.includes(v.toUpperCase() as HcMethod)) {
      s.method = v.toUpperCase() as HcMethod;
      reschedule = true;
      changed.push(`hcmethod=${s.method}`);
    }
    v = params.get('w_hu');
    if (v !== undefined) s.uri = v.length < 96 ? v : '';
    v = params.get('w_he');
    if (v !== undefined) s.exprName = v && this.exprs.has(v) ? v : '';
    // A method without a response has no expression to test.
    if (s.method === 'NONE' || s.method === 'TCP') s.exprName = '';
    if (reschedule) this.schedule(w, s);
    return changed;
  };
}
