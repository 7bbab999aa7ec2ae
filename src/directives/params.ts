/**
 * The key=value parameters of ProxyPass, BalancerMember, ProxySet and `<Proxy url key=value>`: every worker
 * and balancer key with its type, range and default, and validators that accept exactly what mod_proxy.c's
 * set_worker_param() / set_balancer_param() and mod_proxy_hcheck.c's set_worker_hc_param() accept, returning
 * their own error text. Messages were checked against Apache 2.4.71 (`apache2 -t`, see
 * test/directives/params.test.ts).
 *
 * Keys compare case-insensitively (strcasecmp), and a repeated key keeps only its last value: the parameters
 * are collected into an apr_table with apr_table_setn() before any is applied.
 */
import { cAtof, cAtoi, cAtol, parseApacheTimeout } from './cnum.js';
import { nameKey } from './names.js';

export type ParamType = 'integer' | 'decimal' | 'duration' | 'flag' | 'keyword' | 'string' | 'status-flags' | 'status-codes' | 'name';

export interface ParamSpec {
  /** The key in the case the Apache documentation writes it. */
  readonly key: string;
  readonly type: ParamType;
  readonly description: string;
  /** What applies when the key is absent, in the documentation's words. */
  readonly default: string;
  /** The accepted values, in words (`1–100, decimals allowed`). */
  readonly accepts: string;
  /** The module that must be loaded for httpd to know the key at all (hc* keys need mod_proxy_hcheck). */
  readonly module?: string;
  /** Apache's complaint about the value, or null when it accepts it. */
  readonly check: (value: string, context: ParamContext) => string | null;
}

export interface ParamContext {
  /** Loaded modules (registry names); when absent, every module is assumed loaded. */
  readonly modules?: ReadonlySet<string>;
  /** Names defined by ProxyHCExpr so far; when absent, hcexpr= is not checked against them. */
  readonly hcExpressions?: ReadonlySet<string>;
  /** Names defined by ProxyHCTemplate so far (compared case-insensitively, as httpd does). */
  readonly hcTemplates?: ReadonlySet<string>;
}

const onOff = (label: string) => (v: string): string | null => (/^(on|off)$/i.test(v) ? null : `${label} must be On|Off`);
const maxLength = (size: number, message: string) => (v: string): string | null => (v.length >= size ? message : null);

// proxy_util.c ap_proxy_set_wstatus(): the letters of proxy_wstat_tbl, upper-cased before comparing.
const STATUS_LETTERS = 'OINGUDSEHRFC';

/** set_worker_param()'s loop over `status=`: `+`/`-` switch the mode and consume themselves, so `+` must be followed by a letter. */
function checkStatus(v: string): string | null {
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '+' || v[i] === '-') i++;
    const c = v[i];
    if (c === undefined || !STATUS_LETTERS.includes(c.toUpperCase())) return 'Unknown status parameter option';
  }
  return null;
}

function timeoutCheck(unit: 's' | 'ms', wrongFormat: string, tooSmall: string, minMicros = 1000) {
  return (v: string): string | null => {
    const t = parseApacheTimeout(v, unit);
    if (t === null) return wrongFormat;
    return t < minMicros ? tooSmall : null;
  };
}

// mod_proxy.c proxy_hcmethods[]: PROVIDER exists but is not implemented. CPING (AJP) is accepted by 2.4.71,
// although older sources mark it unimplemented too.
const HC_METHODS = ['NONE', 'TCP', 'OPTIONS', 'HEAD', 'GET', 'CPING', 'OPTIONS11', 'HEAD11', 'GET11'];
const HC_UNIMPLEMENTED = ['PROVIDER'];

const hcNeedsModule = (ctx: ParamContext): boolean => ctx.modules !== undefined && !ctx.modules.has('proxy_hcheck');

/** Keys of set_worker_param() and, when mod_proxy_hcheck is loaded, set_worker_hc_param(). */
export const WORKER_PARAMS: readonly ParamSpec[] = [
  { key: 'acquire', type: 'duration', description: 'Wait at most this long for a free connection from the pool', default: 'no wait', accepts: 'duration ≥ 1ms (default unit ms)', check: timeoutCheck('ms', 'Acquire timeout has wrong format', 'Acquire must be at least one millisecond') },
  { key: 'connectiontimeout', type: 'duration', description: 'Timeout for connecting to the backend', default: 'timeout', accepts: 'duration ≥ 1ms (default unit s)', check: timeoutCheck('s', 'Connectiontimeout has wrong format', 'Connectiontimeout must be at least one millisecond.') },
  { key: 'disablereuse', type: 'flag', description: 'Close each backend connection after use', default: 'Off', accepts: 'On|Off', check: onOff('DisableReuse') },
  { key: 'enablereuse', type: 'flag', description: 'Opposite of disablereuse', default: 'On', accepts: 'On|Off', check: onOff('EnableReuse') },
  { key: 'flushpackets', type: 'keyword', description: 'Flush the response to the client after each backend packet', default: 'off', accepts: 'on|off|auto', check: (v) => (/^(on|off|auto)$/i.test(v) ? null : 'flushpackets must be on|off|auto') },
  { key: 'flushwait', type: 'integer', description: 'Milliseconds to wait for more data before flushing (flushpackets=auto)', default: '10', accepts: '0–1000 (0 = 10)', check: (v) => { const n = cAtoi(v); return n > 1000 || n < 0 ? 'flushwait must be <= 1000, or 0 for system default of 10 millseconds.' : null; } },
  { key: 'flusher', type: 'name', description: 'Name of the flush provider', default: 'flush', accepts: 'fewer than 16 characters', check: maxLength(16, 'flusher name length must be < 16 characters') },
  { key: 'iobuffersize', type: 'integer', description: 'Internal I/O buffer size in bytes', default: 'ProxyIOBufferSize (8192)', accepts: '0 or ≥ 512', check: (v) => { const n = cAtol(v); return n < 512 && n !== 0 ? 'IOBufferSize must be >= 512 bytes, or 0 for system default.' : null; } },
  { key: 'keepalive', type: 'flag', description: 'Send TCP keep-alive probes on backend connections', default: 'Off', accepts: 'On|Off', check: onOff('KeepAlive') },
  { key: 'lbset', type: 'integer', description: 'Load-balancer cluster set; lower sets are tried first', default: '0', accepts: '0–99', check: (v) => { const n = cAtoi(v); return n < 0 || n > 99 ? 'lbset must be between 0 and 99' : null; } },
  // 2.4.71 reads it with atof() and keeps hundredths: (int)(value * 100) must lie in 100..10000.
  { key: 'loadfactor', type: 'decimal', description: 'Normalised weight of a balancer member', default: '1', accepts: '1–100, decimals allowed', check: (v) => { const n = Math.trunc(cAtof(v) * 100); return Number.isNaN(n) || n < 100 || n > 10000 ? 'LoadFactor must be a number between 1..100' : null; } },
  { key: 'max', type: 'integer', description: 'Hard maximum of backend connections per child process', default: 'ThreadsPerChild', accepts: '≥ 0', check: (v) => (cAtoi(v) < 0 ? 'Max must be a positive number' : null) },
  { key: 'min', type: 'integer', description: 'Connections kept open per child process', default: '0', accepts: '≥ 0', check: (v) => (cAtoi(v) < 0 ? 'Min must be a positive number' : null) },
  { key: 'ping', type: 'duration', description: 'Check the backend connection before sending the request (100-continue for HTTP, CPING for AJP)', default: '0 (off)', accepts: 'duration ≥ 1ms (default unit s)', check: timeoutCheck('s', 'Ping/Pong timeout has wrong format', 'Ping/Pong timeout must be at least one millisecond') },
  { key: 'receivebuffersize', type: 'integer', description: 'TCP receive buffer size in bytes', default: 'ProxyReceiveBufferSize (0: system)', accepts: '0 or ≥ 512', check: (v) => { const n = cAtoi(v); return n < 512 && n !== 0 ? 'ReceiveBufferSize must be >= 512 bytes, or 0 for system default.' : null; } },
  { key: 'redirect', type: 'name', description: 'Route to redirect to when this member is unusable', default: 'none', accepts: 'fewer than 64 characters', check: maxLength(64, 'Redirect length must be < 64 characters') },
  { key: 'responsefieldsize', type: 'integer', description: 'Largest response header line in bytes', default: '8192', accepts: '≥ 0 (0 = 8192)', check: (v) => (cAtol(v) < 0 ? 'ResponseFieldSize must be greater than 0 bytes, or 0 for system default.' : null) },
  { key: 'retry', type: 'integer', description: 'Seconds before a member in error is retried', default: '60', accepts: '≥ 0', check: (v) => (cAtoi(v) < 0 ? 'Retry must be a positive value' : null) },
  { key: 'route', type: 'name', description: 'Route of this member for sticky sessions', default: 'none', accepts: 'fewer than 64 characters', check: maxLength(64, 'Route length must be < 64 characters') },
  { key: 'secret', type: 'string', description: 'AJP shared secret', default: 'none', accepts: 'fewer than 64 characters', check: maxLength(64, 'Secret length must be < 64 characters') },
  { key: 'smax', type: 'integer', description: 'Connections above this are closed after ttl', default: 'max', accepts: '≥ 0', check: (v) => (cAtoi(v) < 0 ? 'Smax must be a positive number' : null) },
  { key: 'status', type: 'status-flags', description: 'Initial member status: D disabled, S stopped, I ignore errors, R hot spare, H hot standby, E error, N drain, C health-check failed (+ sets, - clears)', default: 'none', accepts: 'letters of OINGUDSEHRFC, each optionally after + or -', check: checkStatus },
  // Whole seconds through atoi(): `timeout=1.5` is 1 and `timeout=soon` is 0, which is refused.
  { key: 'timeout', type: 'integer', description: 'Seconds to wait for the backend', default: 'ProxyTimeout, else Timeout (60)', accepts: 'whole seconds ≥ 1', check: (v) => (cAtoi(v) < 1 ? 'Timeout must be at least one second' : null) },
  { key: 'ttl', type: 'integer', description: 'Seconds an idle connection above smax lives', default: 'none', accepts: 'whole seconds ≥ 1', check: (v) => (cAtoi(v) < 1 ? 'TTL must be at least one second' : null) },
  { key: 'upgrade', type: 'name', description: 'Protocol mod_proxy_http may upgrade to (websocket, or ANY for *)', default: 'WebSocket for ws:// and wss:// workers', accepts: 'fewer than 16 characters', check: maxLength(16, 'upgrade protocol length must be < 16 characters') },
  // mod_proxy_hcheck.c set_worker_hc_param(); without the module these keys are unknown.
  { key: 'hcexpr', type: 'name', module: 'proxy_hcheck', description: 'ProxyHCExpr condition a health-check response must meet', default: 'status 2xx or 3xx', accepts: 'a name defined by ProxyHCExpr', check: (v, ctx) => (ctx.hcExpressions && !ctx.hcExpressions.has(v) ? `Unknown health check condition expr: ${v}` : null) },
  { key: 'hcfails', type: 'integer', module: 'proxy_hcheck', description: 'Failed checks before the member is marked failed', default: '1', accepts: '≥ 0', check: (v) => (cAtoi(v) < 0 ? 'Fails must be a positive value' : null) },
  // The minimum is AP_WD_TM_SLICE (100 ms); exactly 100ms is accepted although the message says "greater than".
  { key: 'hcinterval', type: 'duration', module: 'proxy_hcheck', description: 'Time between health checks', default: '30s', accepts: 'duration ≥ 100ms (default unit s)', check: timeoutCheck('s', 'Unparse-able hcinterval setting', 'Interval must be a positive value greater than 100ms', 100_000) },
  { key: 'hcmethod', type: 'keyword', module: 'proxy_hcheck', description: 'Health-check method', default: 'NONE', accepts: HC_METHODS.join('|'), check: (v) => { const u = v.toUpperCase(); if (HC_UNIMPLEMENTED.includes(u)) return `Health check method ${v} not (yet) implemented`; return HC_METHODS.includes(u) ? null : 'Unknown method'; } },
  { key: 'hcpasses', type: 'integer', module: 'proxy_hcheck', description: 'Passed checks before a failed member is usable again', default: '1', accepts: '≥ 0', check: (v) => (cAtoi(v) < 0 ? 'Passes must be a positive value' : null) },
  { key: 'hctemplate', type: 'name', module: 'proxy_hcheck', description: 'ProxyHCTemplate whose settings to use', default: 'none', accepts: 'a name defined by ProxyHCTemplate', check: (v, ctx) => (ctx.hcTemplates && ![...ctx.hcTemplates].some((t) => nameKey(t) === nameKey(v)) ? `Unknown ProxyHCTemplate name: ${v}` : null) },
  { key: 'hcuri', type: 'string', module: 'proxy_hcheck', description: 'Path appended to the member URL for GET/HEAD checks', default: 'none', accepts: 'fewer than 64 characters', check: maxLength(64, 'Health check uri length must be < 64 characters') },
];

/** The lbmethod providers Debian ships, each registered by its own module (ap_lookup_provider("proxylbmethod", …)). */
export const LBMETHOD_MODULES: Readonly<Record<string, string>> = {
  byrequests: 'lbmethod_byrequests',
  bytraffic: 'lbmethod_bytraffic',
  bybusyness: 'lbmethod_bybusyness',
  heartbeat: 'lbmethod_heartbeat',
};

/** Keys of set_balancer_param() (balancer:// URLs in ProxyPass, ProxySet on a balancer, <Proxy balancer://…>). */
export const BALANCER_PARAMS: readonly ParamSpec[] = [
  { key: 'failonstatus', type: 'status-codes', description: 'Backend statuses that put the member in error', default: 'none', accepts: 'HTTP status codes 100–599 separated by commas or spaces', check: (v) => { for (const code of v.split(/[, ]+/).filter(Boolean)) { const n = cAtoi(code); if (n < 100 || n > 599) return 'failonstatus must be one or more HTTP response codes'; } return null; } },
  { key: 'failontimeout', type: 'flag', description: 'Put the member in error when it times out', default: 'Off', accepts: 'On|Off', check: onOff('failontimeout') },
  { key: 'forcerecovery', type: 'flag', description: 'Retry all members at once when all are in error', default: 'On', accepts: 'On|Off', check: onOff('forcerecovery') },
  { key: 'growth', type: 'integer', description: 'Member slots kept free for balancer-manager additions', default: '0', accepts: '1–100', check: (v) => { const n = cAtoi(v); return n < 1 || n > 100 ? 'growth must be between 1 and 100' : null; } },
  // The provider must be registered, i.e. its lbmethod_* module loaded; otherwise the same "unknown lbmethod".
  // Provider names are case-sensitive: `lbmethod=ByRequests` is unknown.
  { key: 'lbmethod', type: 'keyword', description: 'Balancing method', default: 'byrequests', accepts: Object.keys(LBMETHOD_MODULES).join('|') + ' (its module loaded)', check: (v, ctx) => { const m = Object.hasOwn(LBMETHOD_MODULES, v) ? LBMETHOD_MODULES[v] : undefined; return m === undefined || (ctx.modules !== undefined && !ctx.modules.has(m)) ? 'unknown lbmethod' : null; } },
  { key: 'maxattempts', type: 'integer', description: 'Failover attempts before giving up', default: 'members − 1', accepts: '≥ 0', check: (v) => (cAtoi(v) < 0 ? 'maximum number of attempts must be a positive number' : null) },
  { key: 'nofailover', type: 'flag', description: 'Fail rather than move a sticky session to another member', default: 'Off', accepts: 'On|Off', check: onOff('failover') },
  { key: 'nonce', type: 'string', description: 'balancer-manager nonce, or None', default: 'a random UUID', accepts: 'None or at most 36 characters', check: (v) => (!/^none$/i.test(v) && v.length > 36 ? 'Provided nonce is too large' : null) },
  { key: 'scolonpathdelim', type: 'flag', description: 'Also take `;` as the session path delimiter', default: 'Off', accepts: 'On|Off', check: onOff('scolonpathdelim') },
  // Longer values are silently cut to 63 characters: the length message is built and then dropped.
  { key: 'stickysession', type: 'string', description: 'Session cookie or path parameter name, NAME or COOKIE|PATHPARAM', default: 'none', accepts: 'any (cut to 63 characters)', check: () => null },
  { key: 'stickysessionsep', type: 'string', description: 'Separator between session id and route', default: '.', accepts: 'one character, or Off', check: (v) => (v.length === 1 || /^off$/i.test(v) ? null : 'stickysessionsep must be a single character or Off') },
  { key: 'timeout', type: 'integer', description: 'Seconds to wait for a free member', default: '0 (no wait)', accepts: 'whole seconds ≥ 1', check: (v) => (cAtoi(v) < 1 ? 'timeout must be at least one second' : null) },
];

const workerByKey = new Map(WORKER_PARAMS.map((p) => [nameKey(p.key), p]));
const balancerByKey = new Map(BALANCER_PARAMS.map((p) => [nameKey(p.key), p]));

export function workerParam(key: string): ParamSpec | undefined {
  return workerByKey.get(nameKey(key));
}

export function balancerParam(key: string): ParamSpec | undefined {
  return balancerByKey.get(nameKey(key));
}

/**
 * Apache's complaint about `key=value` on a worker (ProxyPass/BalancerMember/ProxySet to a URL that is not a
 * balancer), or null when it is accepted. An unknown key is "unknown Worker parameter" — or "unknown Worker
 * hcheck parameter" when mod_proxy_hcheck is loaded, since it then handles the keys mod_proxy does not know.
 */
export function validateWorkerParam(key: string, value: string, context: ParamContext = {}): string | null {
  const spec = workerParam(key);
  const hcheckLoaded = context.modules === undefined ? false : context.modules.has('proxy_hcheck');
  if (!spec || (spec.module === 'proxy_hcheck' && hcNeedsModule(context))) {
    return hcheckLoaded ? 'unknown Worker hcheck parameter' : 'unknown Worker parameter';
  }
  return spec.check(value, context);
}

/** Apache's complaint about `key=value` on a balancer (a `balancer://` URL), or null. */
export function validateBalancerParam(key: string, value: string, context: ParamContext = {}): string | null {
  const spec = balancerParam(key);
  if (!spec) return 'unknown Balancer parameter';
  return spec.check(value, context);
}

/** Bare words ProxyPass/ProxyPassMatch take after the URL (add_pass(), compared case-insensitively). */
export const PROXY_PASS_FLAGS: readonly string[] = ['nocanon', 'interpolate', 'noquery'];

/**
 * One word after ProxyPass's URL, as add_pass() reads it: a flag, `mapping=encoded|servlet` (ProxyPass only,
 * never BalancerMember or ProxySet), or a worker/balancer parameter. Returns Apache's message without the
 * "ProxyPass " prefix it adds to parameter errors (see formatParamError).
 */
export function validateProxyPassWord(word: string, target: 'worker' | 'balancer', context: ParamContext = {}): string | null {
  if (PROXY_PASS_FLAGS.some((f) => nameKey(f) === nameKey(word))) return null;
  const eq = word.indexOf('=');
  if (eq < 0) return "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'.";
  const key = word.slice(0, eq);
  const value = word.slice(eq + 1);
  if (nameKey(key) === 'mapping') return /^(encoded|servlet)$/i.test(value) ? null : 'unknown mapping';
  return target === 'balancer' ? validateBalancerParam(key, value, context) : validateWorkerParam(key, value, context);
}

export type ParamDirective = 'ProxyPass' | 'ProxyPassMatch' | 'BalancerMember' | 'ProxySet' | 'Proxy' | 'ProxyMatch';

/**
 * The whole line httpd prints for a parameter error, by directive: ProxyPass/ProxyPassMatch and
 * BalancerMember prefix "ProxyPass "/"BalancerMember "; ProxySet says "ProxySet: msg key=value; name";
 * `<Proxy name key=value>` says "<Proxy msg key=value; name". (`mapping` errors have no prefix.)
 */
export function formatParamError(directive: ParamDirective, message: string, key: string, value: string, name: string): string {
  switch (directive) {
    case 'ProxyPass':
    case 'ProxyPassMatch':
      return message === 'unknown mapping' ? message : `ProxyPass ${message}`;
    case 'BalancerMember':
      return `BalancerMember ${message}`;
    case 'ProxySet':
      return `ProxySet: ${message} ${key}=${value}; ${name}`;
    case 'Proxy':
    case 'ProxyMatch':
      return `<${directive} ${message} ${key}=${value}; ${name}`;
  }
}
