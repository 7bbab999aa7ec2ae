/**
 * The resolved tree → ProxyModel. collect() reads every active directive into per-server records; this file
 * applies what httpd decides after reading: main-server → virtual-host inheritance (server/config.c
 * ap_fixup_virtual_hosts with each module's merge function), the order mod_proxy consults rules in, worker
 * defaults, LogFormat nicknames, and which virtual hosts answer on which listener.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { LoadResult } from '../config/types.js';
import { addressKey, answersOn, isIpLiteral } from './addresses.js';
import { DEFAULT_KEEP_ALIVE, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, DEFAULT_MAX_KEEP_ALIVE_REQUESTS, DEFAULT_REQUEST_READ_TIMEOUT } from './client-timeouts.js';
import { collect, type Collected } from './collect.js';
import { DEBIAN_LOG_FORMATS } from './debian.js';
import type { RouteDraft, ServerScope } from './scope.js';
import {
  MODEL_FORMAT,
  MODEL_VERSION,
  type AccessLog,
  type Balancer,
  type Listener,
  type ProxyModel,
  type RequestReadTimeout,
  type Route,
  type Server,
  type Tls,
  type VirtualHost,
} from './types.js';
import { balancerSettings, workerParams } from './workers.js';

export interface CompileResult {
  /** null when errors make a model impossible (see diagnostics). */
  readonly model: ProxyModel | null;
  /** Problems found while lowering (on top of the load diagnostics, which are not repeated here). */
  readonly diagnostics: readonly Diagnostic[];
}

/** httpd's compiled-in `Timeout` (server/core.c: DEFAULT_TIMEOUT). */
export const DEFAULT_TIMEOUT = 60;
/** mod_log_config.c DEFAULT_LOG_FORMAT: what TransferLog writes when no LogFormat without a nickname was given. */
export const COMMON_LOG_FORMAT = '%h %l %u %t "%r" %>s %b';

export function compile(loaded: LoadResult): CompileResult {
  if (loaded.entryFile === null) return { model: null, diagnostics: [] };
  const c = collect(loaded);
  const diagnostics = [...c.diagnostics];
  const assumptions = [...loaded.assumptions];
  const lone = loaded.mode === 'lone-file';

  const mainServer = buildServer(c, c.main, null, lone, diagnostics);
  const virtualHosts: VirtualHost[] = c.vhosts.map((scope, i) => {
    const server = buildServer(c, scope, c.main, lone, diagnostics);
    return { id: `vhost-${i}`, addresses: [...scope.addresses], nameBased: false, ...server };
  });
  // Name-based: several vhosts on one address, so the Host header picks among them (vhost.c).
  const byAddress = new Map<string, number>();
  for (const v of virtualHosts) for (const k of new Set(v.addresses.map(addressKey))) byAddress.set(k, (byAddress.get(k) ?? 0) + 1);
  for (const v of virtualHosts) v.nameBased = v.addresses.some((a) => (byAddress.get(addressKey(a)) ?? 0) > 1);

  if (lone) {
    const defined = new Set(c.logFormats.flatMap((f) => (f.name === null ? [] : [f.name])));
    const borrowed = [...new Set([mainServer, ...virtualHosts].flatMap((s) => s.logs.access.flatMap((l) => (l.formatName !== null && !defined.has(l.formatName) ? [l.formatName] : []))))].sort();
    if (borrowed.length > 0) assumptions.push(`LogFormat ${borrowed.join(', ')} as Debian's apache2.conf defines ${borrowed.length === 1 ? 'it' : 'them'}`);
  }

  const listeners = buildListeners(c, virtualHosts, loaded, assumptions, diagnostics);

  const balancers: Balancer[] = [];
  for (const b of c.balancers.values()) {
    if (b.members.length === 0) {
      diagnostics.push({
        severity: 'warning',
        code: 'model/empty-balancer',
        message: `balancer://${b.name} has no BalancerMember: every request routed to it gets 503 Service Unavailable`,
        span: b.firstUse,
        hint: `add <Proxy balancer://${b.name}> BalancerMember http://backend:8080 </Proxy>`,
      });
    }
    balancers.push({
      name: b.name,
      url: `balancer://${b.name}`,
      members: b.members.map((m) => ({
        url: m.url,
        target: m.target,
        // A balancer is shared by every server that routes to it; members take the main server's timeouts.
        params: workerParams(m.params, { serverTimeout: mainServer.timeouts.timeout, proxyTimeout: mainServer.timeouts.proxyTimeout, member: true, regexWithSubstitution: false, scheme: m.target.scheme }),
        span: m.span,
      })),
      ...balancerSettings(b.params),
      span: b.span,
    });
  }

  const model: ProxyModel = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    source: {
      entry: loaded.entry,
      mode: loaded.mode,
      serverRoot: loaded.serverRoot,
      modules: [...c.modules].sort(),
      assumptions,
    },
    listeners,
    mainServer,
    virtualHosts,
    balancers,
    logFormats: c.logFormats.map((f) => ({ ...f })),
    ...(c.listenBacklog !== null ? { listenBacklog: c.listenBacklog } : {}),
    unsupported: c.unsupported,
  };
  return { model, diagnostics };
}

function buildListeners(c: Collected, vhosts: readonly VirtualHost[], loaded: LoadResult, assumptions: string[], diagnostics: Diagnostic[]): Listener[] {
  let base = c.listeners;
  if (base.length === 0 && loaded.mode === 'lone-file') {
    // A lone site file: on a real server ports.conf says where to listen; assume what its vhosts ask for.
    const seen = new Map<string, Omit<Listener, 'virtualHosts'>>();
    for (const v of vhosts) {
      for (const a of v.addresses) {
        // `[::]` and `0.0.0.0` are the wildcard: `Listen 80` already binds them (and a second bind would fail).
        const host = a.host !== null && isIpLiteral(a.host) && a.host !== '[::]' && a.host !== '0.0.0.0' ? a.host : null;
        const port = a.port ?? 80;
        const key = `${host ?? '*'}:${port}`;
        if (!seen.has(key)) seen.set(key, { host, port, protocol: null, span: null });
      }
    }
    if (seen.size === 0) seen.set('*:80', { host: null, port: 80, protocol: null, span: null });
    base = [...seen.values()];
    const list = base.map((l) => `${l.host ?? '*'}:${l.port}`).join(', ');
    assumptions.push(
      vhosts.length > 0
        ? `no Listen directive: listening on ${list}, derived from the <VirtualHost> addresses (on a real server ports.conf decides)`
        : `no Listen directive and no <VirtualHost>: listening on ${list}, as Debian's ports.conf does`,
    );
  } else if (base.length === 0) {
    diagnostics.push({
      severity: 'warning',
      code: 'model/no-listen',
      message: 'the configuration has no Listen directive: apache2 refuses to start ("no listening sockets available")',
      span: loaded.root.ast.children[0]?.span ?? { file: loaded.root.path, line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, endOffset: 0 },
      hint: 'Listen 80',
    });
  }
  return base.map((l) => ({
    host: l.host,
    port: l.port,
    protocol: l.protocol,
    virtualHosts: vhosts.flatMap((v, i) => (v.addresses.some((a) => answersOn(a, l)) ? [i] : [])),
    span: l.span,
  }));
}

function mergeTls(own: Partial<Tls>, main: Partial<Tls> | null): Tls | null {
  const m = main ?? {};
  if (Object.keys(own).length === 0 && Object.keys(m).length === 0) return null;
  // mod_ssl merges its server config field by field (ssl_engine_config.c cfgMerge).
  const pick = <K extends keyof Tls>(k: K, d: Tls[K]): Tls[K] => (own[k] !== undefined ? own[k]! : m[k] !== undefined ? m[k]! : d);
  return {
    engine: pick('engine', false),
    certificateFile: pick('certificateFile', null),
    certificateKeyFile: pick('certificateKeyFile', null),
    certificateChainFile: pick('certificateChainFile', null),
    protocol: pick('protocol', null),
    cipherSuite: pick('cipherSuite', null),
    proxyEngine: pick('proxyEngine', false),
    proxyVerify: pick('proxyVerify', null),
    proxyCaCertificateFile: pick('proxyCaCertificateFile', null),
    proxyCheckPeerName: pick('proxyCheckPeerName', null),
    tls13CipherSuite: pick('tls13CipherSuite', null),
    honorCipherOrder: pick('honorCipherOrder', null),
    proxyProtocol: pick('proxyProtocol', null),
    proxyCipherSuite: pick('proxyCipherSuite', null),
    proxyTls13CipherSuite: pick('proxyTls13CipherSuite', null),
    sessionTickets: pick('sessionTickets', null),
    sessionCache: pick('sessionCache', null),
    sessionCacheTimeout: pick('sessionCacheTimeout', null),
  };
}

function buildServer(c: Collected, scope: ServerScope, main: ServerScope | null, lone: boolean, diagnostics: Diagnostic[]): Server {
  const m = main;
  const timeout = scope.timeout ?? m?.timeout ?? DEFAULT_TIMEOUT;
  const proxyTimeout = scope.proxyTimeout ?? m?.proxyTimeout ?? null;

  const route = (r: RouteDraft, inherited: boolean): Route => ({
    match: r.match,
    exclude: r.exclude,
    target: r.target,
    origin: { directive: r.directive, location: r.location, locationIsRegex: r.locationIsRegex, inherited },
    flags: r.flags,
    worker: r.worker && r.target ? workerParams(r.worker.params, { serverTimeout: timeout, proxyTimeout, member: false, regexWithSubstitution: r.regexWithSubstitution, scheme: r.target.scheme }) : null,
    span: r.span,
  });
  // mod_proxy.c proxy_trans(): the <Location> ProxyPass is tried first. <Location> sections merge in config order
  // (the main server's, then the vhost's) and the last matching one supplies the alias, so the first-match list
  // holds them in reverse. Then the server's ProxyPass list: main server's entries, then the vhost's
  // (merge_proxy_config appends base->aliases before overrides->aliases).
  const locationRoutes = [
    ...(m ? [...m.locationRoutes.values()].map((r) => route(r, true)) : []),
    ...[...scope.locationRoutes.values()].map((r) => route(r, false)),
  ].reverse();
  const serverRoutes = [...(m ? m.routes.map((r) => route(r, true)) : []), ...scope.routes.map((r) => route(r, false))];

  // Reverse rules live in the per-directory config: the server defaults (main's, then the vhost's), then the
  // <Location> ones (merge_proxy_dir_config appends base->raliases before add->raliases).
  const reverse = [...(m?.reverse ?? []), ...scope.reverse, ...(m?.locationReverse ?? []), ...scope.locationReverse];

  const formats = new Map<string, string>(lone ? Object.entries(DEBIAN_LOG_FORMATS) : []);
  for (const [k, v] of m?.logFormats ?? []) formats.set(k, v);
  for (const [k, v] of scope.logFormats) formats.set(k, v);
  // `LogFormat nickname` alone makes that nickname's format the default (mod_log_config open_multi_logs).
  const defaultArg = scope.defaultLogFormat ?? m?.defaultLogFormat ?? null;
  const defaultFormat = defaultArg === null ? COMMON_LOG_FORMAT : (formats.get(defaultArg) ?? defaultArg);
  // mod_log_config: a vhost without CustomLog/TransferLog of its own logs through the main server's logs.
  const ownLogs = scope.accessLogs.length > 0 || m === null;
  const drafts = ownLogs ? scope.accessLogs : m.accessLogs;
  const access: AccessLog[] = drafts.map((l) => {
    if (l.formatArg === null) return { target: l.target, format: defaultFormat, formatName: null, condition: l.condition, span: l.span };
    const named = formats.get(l.formatArg);
    if (named === undefined && !l.formatArg.includes('%') && ownLogs) {
      diagnostics.push({
        severity: 'warning',
        code: 'model/unknown-log-format',
        message: `CustomLog format "${l.formatArg}" is not a LogFormat nickname, so Apache writes that text literally on every line`,
        span: l.at,
        hint: `define it first: LogFormat "%h %l %u %t \\"%r\\" %>s %b" ${l.formatArg}`,
      });
    }
    return { target: l.target, format: named ?? l.formatArg, formatName: named !== undefined ? l.formatArg : null, condition: l.condition, span: l.span };
  });

  const readStage = (k: keyof RequestReadTimeout): RequestReadTimeout[typeof k] => {
    const own = scope.readTimeout[k];
    const inherited = m?.readTimeout[k];
    const v = own !== undefined ? own : inherited !== undefined ? inherited : DEFAULT_REQUEST_READ_TIMEOUT[k];
    return v === null ? null : { ...v };
  };

  const handlers = [...(m?.handlers ?? []), ...scope.handlers].map((h) => ({ path: h.path, handler: h.handler, require: c.requires.get(h.section) ?? [], span: h.span }));

  return {
    // A vhost without ServerName takes the main server's (vhost.c ap_fixup_virtual_hosts).
    serverName: scope.serverName ?? m?.serverName ?? null,
    serverAliases: [...scope.serverAliases],
    documentRoot: scope.documentRoot ?? m?.documentRoot ?? null,
    routes: [...locationRoutes, ...serverRoutes],
    reverse,
    headers: {
      preserveHost: scope.preserveHost ?? m?.preserveHost ?? false,
      addHeaders: scope.addHeaders ?? m?.addHeaders ?? true,
      via: scope.via ?? m?.via ?? 'off',
      request: [...(m?.requestHeaders ?? []), ...scope.requestHeaders],
      response: [...(m?.responseHeaders ?? []), ...scope.responseHeaders],
    },
    timeouts: { timeout, proxyTimeout },
    tls: mergeTls(scope.tls, m?.tls ?? null),
    forwardProxy: scope.forwardProxy ?? m?.forwardProxy ?? false,
    allowEncodedSlashes: scope.allowEncodedSlashes ?? m?.allowEncodedSlashes ?? 'off',
    handlers,
    logs: {
      errorLog: scope.errorLog ?? m?.errorLog ?? null,
      // httpd's default LogLevel is warn (server/log.c DEFAULT_LOGLEVEL).
      logLevel: scope.logLevel ?? m?.logLevel ?? 'warn',
      access,
    },
    // mod_rewrite: a server's rules run only with its own RewriteEngine On; vhosts inherit none by default.
    rewrites: scope.rewriteEngine ? scope.rewriteRules : [],
    // core.c merge_core_server_configs: a vhost keeps the main server's limits unless it sets its own.
    limits: {
      requestLine: scope.limits.requestLine ?? m?.limits.requestLine ?? 8190,
      fieldSize: scope.limits.fieldSize ?? m?.limits.fieldSize ?? 8190,
      fields: scope.limits.fields ?? m?.limits.fields ?? 100,
    },
    // mod_reqtimeout (reqtimeout_merge_srv_config): each stage unset in a vhost is the main server's; unset in
    // both, the module's default. Without the module loaded there are no such deadlines — unless the config
    // writes RequestReadTimeout anyway (apache2 needs the module for it: lint says which, the model keeps the value).
    requestReadTimeout: c.modules.has('reqtimeout') || [c.main, ...c.vhosts].some((x) => Object.keys(x.readTimeout).length > 0)
      ? {
          handshake: readStage('handshake'),
          header: readStage('header'),
          body: readStage('body'),
        }
      : null,
    // core: ap_fixup_virtual_hosts gives a vhost without KeepAliveTimeout the main server's — and one with
    // `KeepAliveTimeout 0` too: it tests `keep_alive_timeout == 0` (checked on 2.4.71: such a vhost keeps alive).
    keepAliveTimeoutMs: (m && scope.keepAliveTimeoutMs === 0 ? null : scope.keepAliveTimeoutMs) ?? m?.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    // Likewise KeepAlive and MaxKeepAliveRequests; for the latter a vhost's -1 is httpd's "unset" and inherits too.
    keepAlive: scope.keepAlive ?? m?.keepAlive ?? DEFAULT_KEEP_ALIVE,
    maxKeepAliveRequests: (m && scope.maxKeepAliveRequests === -1 ? null : scope.maxKeepAliveRequests) ?? m?.maxKeepAliveRequests ?? DEFAULT_MAX_KEEP_ALIVE_REQUESTS,
    // mod_proxy_hcheck has no merge function: a vhost has only its own definitions.
    healthChecks: { expressions: [...scope.hcExpressions], templates: [...scope.hcTemplates] },
    span: scope.section ? { file: scope.section.span.file, line: scope.section.span.line, column: scope.section.span.column, endLine: scope.section.span.endLine, endColumn: scope.section.span.endColumn } : null,
  };
}
