/**
 * `<Location /balancer-manager> SetHandler balancer-manager`: mod_proxy_balancer.c balancer_handler.
 *
 * - GET/POST only. GET reads `b`, `w`, `nonce` from the query; POST reads every field from the form body (the
 *   first 1024 bytes, as httpd) and ignores the query.
 * - Parameters are dropped (AH10187 "ignoring params in balancer-manager cross-site access") unless the request
 *   has a Referer whose host is the server's name (ap_get_server_name: the Host asked for, else ServerName).
 * - Edits apply only when `nonce` equals the selected balancer's nonce (a UUID made at start-up).
 * - The page is then shown, with an edit form for the selected balancer or member.
 * - `?format=json` (apx's addition, in place of httpd's `?xml=1`) gives the same facts as JSON; being a view, not
 *   an edit, it is read from the query whatever the Referer.
 */
import type { LocationHandler, ProxyModel } from '../../model/types.js';
import { lbMethodNames, type BalancerRuntime } from '../balancer.js';
import type { Worker } from '../worker.js';
import { AccessPolicies, type AccessPolicy } from './access.js';
import { applyEdits, parseParams, type HcEditor } from './edit.js';
import { renderHtml, renderJson, type HcView } from './page.js';

export { compileRequire, type AccessPolicy, type AccessRequest } from './access.js';

export interface ManagerRequest {
  readonly method: string;
  /** The decoded request path (r->uri). */
  readonly path: string;
  readonly query: string | null;
  /** POST body, at most its first 1024 bytes. */
  readonly body: string | null;
  readonly referer: string | null;
  /** ap_get_server_name(r): the host the client asked for, else ServerName. */
  readonly serverName: string;
  /** `scheme://host[:port]`, for the form's action (ap_construct_url). */
  readonly origin: string;
}

export interface ManagerResponse {
  readonly status: number;
  readonly headers: readonly [string, string][];
  readonly body: string;
  /** Error-log lines worth writing (level, message). */
  readonly log: readonly { level: 'error' | 'info'; message: string }[];
}

/** What the manager needs from mod_proxy_hcheck, when health checks run. */
export interface HealthView {
  view(w: Worker): HcView | null;
  /** `ProxyHCExpr` names and their conditions, in config order. */
  expressions(): (readonly [string, string])[];
  edit: HcEditor;
}

/** `<Location>` matching for a handler: the path itself or below it (a segment boundary), as `ProxyPass` prefixes. */
export function locationMatches(location: string, path: string): boolean {
  const loc = location.replace(/\/+/g, '/');
  const p = path.replace(/\/+/g, '/');
  if (!p.startsWith(loc)) return false;
  return p.length === loc.length || loc.endsWith('/') || p[loc.length] === '/';
}

export class BalancerManager {
  private readonly paths = new Map<string, string>();
  private readonly policies = new AccessPolicies();

  constructor(
    private readonly balancers: ReadonlyMap<string, BalancerRuntime>,
    model: ProxyModel,
    private readonly health: HealthView | null,
  ) {
    // The Path column: the first ProxyPass that sends to each balancer.
    for (const s of [model.mainServer, ...model.virtualHosts]) {
      for (const r of s.routes) {
        const b = r.target?.balancer?.toLowerCase();
        if (b && !this.paths.has(b)) this.paths.set(b, r.match.kind === 'prefix' ? r.match.path : r.match.pattern);
      }
    }
  }

  /** The access policy of a handler's `<Location>` (compiled once; `warnings` are logged at start-up). */
  policy(h: LocationHandler, where: string): AccessPolicy {
    return this.policies.of(h, where);
  }

  handle(req: ManagerRequest): ManagerResponse {
    const log: { level: 'error' | 'info'; message: string }[] = [];
    if (req.method !== 'GET' && req.method !== 'POST') {
      return { status: 405, headers: [['Allow', 'GET,POST,OPTIONS']], body: '', log };
    }
    const format = parseParams(req.query, ['format']).get('format');
    const params = req.method === 'GET' ? parseParams(req.query, ['w', 'b', 'nonce']) : parseParams(req.body, null);
    if (params.size > 0 && !safeReferer(req.referer, req.serverName)) {
      log.push({ level: 'error', message: 'AH10187: ignoring params in balancer-manager cross-site access' });
      params.clear();
    }
    const bname = params.get('b');
    const bsel = bname !== undefined ? (this.balancers.get(bname.replace(/^balancer:\/\//i, '').toLowerCase()) ?? null) : null;
    const wname = params.get('w');
    const wsel = bsel && wname !== undefined ? bsel.member(wname) : null;
    if (bsel && params.get('nonce') === bsel.nonce) {
      const { changed } = applyEdits(bsel, wsel, params, this.health?.edit ?? null);
      if (changed.length) {
        log.push({ level: 'info', message: `AH01192: balancer://${bsel.name}${wsel ? ` ${wsel.name}` : ''}: ${changed.join(', ')} (balancer-manager)` });
      }
    }
    const input = {
      serverName: req.serverName,
      uri: req.path,
      action: `${req.origin}${req.path}`,
      balancers: [...this.balancers.values()],
      paths: this.paths,
      selected: { balancer: bsel, worker: wsel },
      hc: this.health ? (w: Worker) => this.health!.view(w) : null,
      hcExprs: this.health?.expressions() ?? [],
      lbmethods: lbMethodNames(),
    };
    if (format === 'json') {
      return { status: 200, headers: [['Content-Type', 'application/json'], ['Cache-Control', 'no-store']], body: renderJson(input), log };
    }
    return { status: 200, headers: [['Content-Type', 'text/html; charset=ISO-8859-1']], body: renderHtml(input), log };
  }
}

/** safe_referer: the Referer parses as a URL with a host, and that host is the server's name (case-insensitive). */
export function safeReferer(referer: string | null, serverName: string): boolean {
  if (!referer) return false;
  let host: string;
  try {
    host = new URL(referer).hostname;
  } catch {
    return false;
  }
  if (!host) return false;
  return host.replace(/^\[|\]$/g, '').toLowerCase() === serverName.replace(/^\[|\]$/g, '').toLowerCase();
}
