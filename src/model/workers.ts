/**
 * Worker and balancer parameters with httpd's defaults made explicit (mod_proxy.c set_worker_param(),
 * set_balancer_param(); proxy_util.c ap_proxy_define_worker_ex(), ap_proxy_initialize_worker()). Values are read
 * with the C conversions mod_proxy uses (atoi, atof, ap_timeout_parameter_parse), so `timeout=1.5` is 1.
 */
import { cAtof, cAtoi, parseApacheTimeout } from '../directives/cnum.js';
import { nameKey } from '../syntax/names.js';
import type { Balancer, MemberStatus, WorkerParams } from './types.js';

/** key=value pairs in the order written; a repeated key keeps its last value (apr_table_setn). Keys lower-case. */
export type ParamTable = Map<string, string>;

export function paramTable(words: readonly string[]): ParamTable {
  const t: ParamTable = new Map();
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) continue;
    const key = nameKey(w.slice(0, eq));
    t.delete(key);
    t.set(key, w.slice(eq + 1));
  }
  return t;
}

export interface WorkerContext {
  /** The server's `Timeout` in seconds (after inheritance). */
  readonly serverTimeout: number;
  /** The server's `ProxyTimeout`, null when not set. */
  readonly proxyTimeout: number | null;
  /** A BalancerMember (false: the worker of a ProxyPass with a direct URL). */
  readonly member: boolean;
  /** A ProxyPassMatch worker whose URL has `$n`: connection reuse is off unless enablereuse=on. */
  readonly regexWithSubstitution: boolean;
  readonly scheme: string;
}

const MODELLED = new Set([
  'retry', 'timeout', 'connectiontimeout', 'keepalive', 'disablereuse', 'enablereuse', 'max', 'min', 'smax', 'ttl',
  'loadfactor', 'lbset', 'ping', 'route', 'redirect', 'status', 'upgrade',
]);

const on = (v: string): boolean => /^on$/i.test(v);
const seconds = (v: string): number => {
  const micros = parseApacheTimeout(v, 's');
  return micros === null ? 0 : micros / 1_000_000;
};

// proxy_util.c proxy_wstat_tbl: the letters ap_proxy_set_wstatus() knows, and the model field each sets.
const STATUS_FIELDS: Readonly<Record<string, keyof MemberStatus>> = {
  D: 'disabled',
  S: 'stopped',
  I: 'ignoreErrors',
  H: 'hotStandby',
  R: 'hotSpare',
  E: 'inError',
  N: 'drain',
};

export function workerParams(t: ParamTable, ctx: WorkerContext): WorkerParams {
  const get = (k: string): string | undefined => t.get(k);
  const timeout = get('timeout') !== undefined ? cAtoi(get('timeout')!) : (ctx.proxyTimeout ?? ctx.serverTimeout);
  let disableReuse = ctx.regexWithSubstitution;
  if (get('enablereuse') !== undefined) disableReuse = !on(get('enablereuse')!);
  if (get('disablereuse') !== undefined) disableReuse = on(get('disablereuse')!);
  const other: Record<string, string> = {};
  for (const [k, v] of [...t.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (!MODELLED.has(k)) other[k] = v;
  // A worker of its own (not a balancer member) starts with "ignore errors" set (ap_proxy_define_worker_ex).
  const status: MemberStatus = { disabled: false, stopped: false, ignoreErrors: !ctx.member, hotStandby: false, hotSpare: false, inError: false, drain: false };
  const statusText = get('status');
  if (statusText !== undefined) {
    let set = true;
    let unmodelled = false;
    for (const ch of statusText) {
      if (ch === '+' || ch === '-') {
        set = ch === '+';
        continue;
      }
      const field = STATUS_FIELDS[ch.toUpperCase()];
      if (field) status[field] = set;
      else unmodelled = true;
    }
    // Letters the model has no field for (C health-check failed …) stay visible verbatim.
    if (unmodelled) other['status'] = statusText;
  }
  const upgradeDefault = ctx.scheme === 'ws' || ctx.scheme === 'wss' ? 'WebSocket' : null;
  return {
    retry: get('retry') !== undefined ? cAtoi(get('retry')!) : 60,
    timeout,
    connectionTimeout: get('connectiontimeout') !== undefined ? seconds(get('connectiontimeout')!) : timeout,
    keepalive: get('keepalive') !== undefined ? on(get('keepalive')!) : false,
    disableReuse,
    max: get('max') !== undefined ? cAtoi(get('max')!) : null,
    min: get('min') !== undefined ? cAtoi(get('min')!) : 0,
    smax: get('smax') !== undefined ? cAtoi(get('smax')!) : null,
    ttl: get('ttl') !== undefined ? cAtoi(get('ttl')!) : null,
    // Hundredths are kept: set_worker_param stores (int)(atof(v) * 100).
    loadFactor: get('loadfactor') !== undefined ? Math.trunc(cAtof(get('loadfactor')!) * 100) / 100 : 1,
    lbset: get('lbset') !== undefined ? cAtoi(get('lbset')!) : 0,
    ping: get('ping') !== undefined ? seconds(get('ping')!) : 0,
    route: get('route') ?? null,
    redirect: get('redirect') ?? null,
    status,
    upgrade: get('upgrade') ?? upgradeDefault,
    other,
  };
}

export type BalancerSettings = Omit<Balancer, 'name' | 'url' | 'members' | 'span'>;

/** set_balancer_param() over every key=value given for one balancer, in order. */
export function balancerSettings(t: ParamTable): BalancerSettings {
  const get = (k: string): string | undefined => t.get(k);
  const sep = get('stickysessionsep');
  return {
    lbmethod: get('lbmethod') ?? 'byrequests',
    // Longer values are cut to 63 characters (PROXY_STRNCPY into a 64-byte field).
    stickySession: get('stickysession') !== undefined ? get('stickysession')!.slice(0, 63) : null,
    stickySessionSep: sep === undefined ? '.' : /^off$/i.test(sep) ? '' : sep,
    scolonPathDelim: get('scolonpathdelim') !== undefined ? on(get('scolonpathdelim')!) : false,
    noFailover: get('nofailover') !== undefined ? on(get('nofailover')!) : false,
    timeout: get('timeout') !== undefined ? cAtoi(get('timeout')!) : 0,
    maxAttempts: get('maxattempts') !== undefined ? cAtoi(get('maxattempts')!) : null,
    failOnStatus: get('failonstatus') !== undefined ? get('failonstatus')!.split(/[, ]+/).filter(Boolean).map(cAtoi) : [],
    failOnTimeout: get('failontimeout') !== undefined ? on(get('failontimeout')!) : false,
    forceRecovery: get('forcerecovery') !== undefined ? on(get('forcerecovery')!) : true,
    growth: get('growth') !== undefined ? cAtoi(get('growth')!) : 0,
  };
}
