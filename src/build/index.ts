/**
 * ProxyModel → Apache httpd configuration text (`apx from-json model.json`). The output is what the model
 * represents and nothing more: unsupported directives are not reproduced (they are listed in a comment). Values
 * that httpd would take by default or by inheritance from the main server are left out, so compiling the output
 * gives back the same model, and reading it is like reading a hand-written config.
 */
import { quoteWord } from '../syntax/words.js';
import {
  DEFAULT_KEEP_ALIVE,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_MAX_KEEP_ALIVE_REQUESTS,
  DEFAULT_REQUEST_READ_TIMEOUT,
  formatReadTimeoutStage,
} from '../model/client-timeouts.js';
import type {
  AccessLog,
  Balancer,
  HealthChecks,
  HeaderOp,
  LocationHandler,
  ProxyModel,
  ReverseRule,
  RewriteRule,
  Route,
  Server,
  Timeouts,
  SslSessionCache,
  Tls,
  VirtualHost,
  VirtualHostAddress,
  WorkerParams,
} from '../model/types.js';
import { workerParams, balancerSettings } from '../model/workers.js';

const INDENT = '    ';

const line = (...words: (string | number)[]): string => words.map((w) => quoteWord(String(w))).join(' ');
const onOff = (b: boolean): string => (b ? 'On' : 'Off');
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Seconds as a mod_proxy duration: whole seconds bare, fractions in milliseconds. */
function duration(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : `${Math.round(seconds * 1000)}ms`;
}

const STATUS_LETTERS: readonly [keyof WorkerParams['status'], string][] = [
  ['disabled', 'D'],
  ['stopped', 'S'],
  ['ignoreErrors', 'I'],
  ['hotStandby', 'H'],
  ['hotSpare', 'R'],
  ['inError', 'E'],
  ['drain', 'N'],
];

/** key=value words for every parameter that differs from what httpd would use by default. */
function workerWords(p: WorkerParams, defaults: WorkerParams): string[] {
  const out: string[] = [];
  const add = (key: string, value: string | number): void => {
    out.push(`${key}=${value}`);
  };
  if (p.retry !== defaults.retry) add('retry', p.retry);
  if (p.timeout !== defaults.timeout) add('timeout', p.timeout);
  if (p.connectionTimeout !== p.timeout) add('connectiontimeout', duration(p.connectionTimeout));
  if (p.keepalive !== defaults.keepalive) add('keepalive', onOff(p.keepalive));
  if (p.disableReuse !== defaults.disableReuse) add('disablereuse', onOff(p.disableReuse));
  if (p.max !== null) add('max', p.max);
  if (p.min !== defaults.min && p.min !== null) add('min', p.min);
  if (p.smax !== null) add('smax', p.smax);
  if (p.ttl !== null) add('ttl', p.ttl);
  if (p.loadFactor !== defaults.loadFactor) add('loadfactor', p.loadFactor);
  if (p.lbset !== defaults.lbset) add('lbset', p.lbset);
  if (p.ping !== defaults.ping) add('ping', duration(p.ping));
  if (p.route !== null) add('route', p.route);
  if (p.redirect !== null) add('redirect', p.redirect);
  if (p.other['status'] === undefined) {
    const status = STATUS_LETTERS.filter(([k]) => p.status[k] !== defaults.status[k]).map(([k, letter]) => `${p.status[k] ? '+' : '-'}${letter}`).join('');
    if (status !== '') add('status', status);
  }
  if (p.upgrade !== defaults.upgrade && p.upgrade !== null) add('upgrade', p.upgrade);
  for (const [k, v] of Object.entries(p.other)) add(k, v);
  return out;
}

function routeWords(r: Route, server: Timeouts): string[] {
  const words: string[] = [r.exclude || r.target === null ? '!' : r.target.url];
  if (r.flags.nocanon) words.push('nocanon');
  if (r.flags.noquery) words.push('noquery');
  if (r.flags.interpolate) words.push('interpolate');
  if (r.flags.mapping !== null) words.push(`mapping=${r.flags.mapping}`);
  if (r.worker && r.target) {
    const defaults = workerParams(new Map(), {
      serverTimeout: server.timeout,
      proxyTimeout: server.proxyTimeout,
      member: false,
      regexWithSubstitution: r.match.kind === 'regex' && /\$\d/.test(r.target.url),
      scheme: r.target.scheme,
    });
    words.push(...workerWords(r.worker, defaults));
  }
  return words;
}

function locationOpen(path: string, isRegex: boolean): string {
  return isRegex ? `<LocationMatch ${quoteWord(path)}>` : `<Location ${quoteWord(path)}>`;
}

function emitRoutes(out: string[], s: Server, indent: string, own: (r: Route) => boolean): void {
  const located = s.routes.filter((r) => r.origin.location !== null && own(r));
  // The model lists <Location> routes last-section-first (the order mod_proxy consults them); write them back in
  // config order so the last one still wins.
  for (const r of [...located].reverse()) {
    out.push(indent + locationOpen(r.origin.location!, r.origin.locationIsRegex));
    out.push(indent + INDENT + [r.origin.directive, ...routeWords(r, s.timeouts)].map((w) => quoteWord(w)).join(' '));
    out.push(indent + (r.origin.locationIsRegex ? '</LocationMatch>' : '</Location>'));
  }
  for (const r of s.routes.filter((x) => x.origin.location === null && own(x))) {
    const head = r.match.kind === 'prefix' ? [r.origin.directive, r.match.path] : r.origin.directive === 'ProxyPassMatch' ? ['ProxyPassMatch', r.match.pattern] : ['ProxyPass', '~', r.match.pattern];
    out.push(indent + [...head, ...routeWords(r, s.timeouts)].map((w) => quoteWord(w)).join(' '));
  }
}

function emitReverse(out: string[], s: Server, indent: string, rules: readonly ReverseRule[]): void {
  for (const r of rules) {
    if (r.kind === 'cookie-domain') out.push(indent + line('ProxyPassReverseCookieDomain', r.internal, r.public));
    else if (r.kind === 'cookie-path') out.push(indent + line('ProxyPassReverseCookiePath', r.internal, r.public));
    else if (r.location === null) out.push(indent + line('ProxyPassReverse', r.path, r.url, ...(r.interpolate ? ['interpolate'] : [])));
    else {
      const isRegex = s.routes.some((x) => x.origin.location === r.location && x.origin.locationIsRegex);
      out.push(indent + locationOpen(r.location, isRegex));
      out.push(indent + INDENT + line('ProxyPassReverse', r.url, ...(r.interpolate ? ['interpolate'] : [])));
      out.push(indent + (isRegex ? '</LocationMatch>' : '</Location>'));
    }
  }
}

function headerLine(directive: 'Header' | 'RequestHeader', op: HeaderOp): string {
  const words: string[] = [directive];
  if (directive === 'Header' && op.condition === 'always') words.push('always');
  words.push(op.action, op.header);
  if (op.value !== null) words.push(op.value);
  if (op.replacement !== null) words.push(op.replacement);
  if (op.when !== null) words.push(op.when);
  return line(...words);
}

function emitHandlers(out: string[], handlers: readonly LocationHandler[], indent: string): void {
  for (const h of handlers) {
    out.push(indent + locationOpen(h.path, false));
    out.push(indent + INDENT + line('SetHandler', h.handler));
    for (const req of h.require) out.push(indent + INDENT + line('Require', ...req));
    out.push(indent + '</Location>');
  }
}

function emitLogs(out: string[], logs: readonly AccessLog[], indent: string, formats: ProxyModel['logFormats']): void {
  for (const l of logs) {
    const named = l.formatName !== null && formats.some((f) => f.name === l.formatName && f.format === l.format);
    // A nickname apx resolved from Debian's apache2.conf (lone file) stays a nickname; anything else is written out.
    const fmt = l.formatName !== null && (named || !formats.some((f) => f.name === l.formatName)) ? l.formatName : l.format;
    out.push(indent + line('CustomLog', l.target, fmt, ...(l.condition !== null ? [l.condition] : [])));
  }
}

const TLS_LINES: readonly [keyof Tls, string][] = [
  ['engine', 'SSLEngine'],
  ['certificateFile', 'SSLCertificateFile'],
  ['certificateKeyFile', 'SSLCertificateKeyFile'],
  ['certificateChainFile', 'SSLCertificateChainFile'],
  ['protocol', 'SSLProtocol'],
  ['cipherSuite', 'SSLCipherSuite'],
  ['proxyEngine', 'SSLProxyEngine'],
  ['proxyVerify', 'SSLProxyVerify'],
  ['proxyCaCertificateFile', 'SSLProxyCACertificateFile'],
  ['proxyCheckPeerName', 'SSLProxyCheckPeerName'],
  ['tls13CipherSuite', 'SSLCipherSuite TLSv1.3'],
  ['honorCipherOrder', 'SSLHonorCipherOrder'],
  ['proxyProtocol', 'SSLProxyProtocol'],
  ['proxyCipherSuite', 'SSLProxyCipherSuite'],
  ['proxyTls13CipherSuite', 'SSLProxyCipherSuite TLSv1.3'],
  ['sessionTickets', 'SSLSessionTickets'],
  ['sessionCache', 'SSLSessionCache'],
  ['sessionCacheTimeout', 'SSLSessionCacheTimeout'],
];

/** `SSLSessionCache`'s one argument, as mod_ssl reads it back (src/model/ssl-session.ts). */
function sessionCacheArg(c: SslSessionCache): string {
  return c.kind === 'socache' ? (c.argument !== null ? `${c.provider}:${c.argument}` : c.provider) : c.kind;
}

function emitTls(out: string[], tls: Tls | null, base: Tls | null, indent: string): void {
  if (tls === null) return;
  for (const [k, directive] of TLS_LINES) {
    // Fields added after model version 1 are optional: absent reads as null (not set).
    const v = tls[k] ?? null;
    const inherited = base !== null ? (base[k] ?? null) : k === 'engine' || k === 'proxyEngine' ? false : null;
    // With no TLS on the main server, SSLEngine is always written so the vhost still has a TLS block.
    // Compared by value: SSLSessionCache is an object, and a model read from JSON shares no references.
    if (same(v, inherited) && !(k === 'engine' && base === null)) continue;
    if (v === null) continue;
    if (typeof v === 'boolean') out.push(indent + line(directive, onOff(v)));
    else if (typeof v === 'number') out.push(indent + line(directive, String(v)));
    // SSLSessionCache is main-server only: a vhost always inherits it, so only the main server writes it.
    else if (typeof v === 'object') out.push(indent + line(directive, sessionCacheArg(v)));
    // SSLProtocol words are RAW_ARGS (written as they came); a cipher list is one argument.
    else out.push(indent + directive + ' ' + (k === 'protocol' || k === 'proxyProtocol' ? v : quoteWord(v)));
  }
}

function emitBalancer(out: string[], b: Balancer, main: Server): void {
  out.push(`<Proxy ${quoteWord(b.url)}>`);
  for (const m of b.members) {
    const defaults = workerParams(new Map(), { serverTimeout: main.timeouts.timeout, proxyTimeout: main.timeouts.proxyTimeout, member: true, regexWithSubstitution: false, scheme: m.target.scheme });
    out.push(INDENT + line('BalancerMember', m.url, ...workerWords(m.params, defaults)));
  }
  const d = balancerSettings(new Map());
  const words: string[] = [];
  if (b.lbmethod !== d.lbmethod) words.push(`lbmethod=${b.lbmethod}`);
  if (b.stickySession !== null) words.push(`stickysession=${b.stickySession}`);
  if (b.stickySessionSep !== d.stickySessionSep) words.push(`stickysessionsep=${b.stickySessionSep === '' ? 'Off' : b.stickySessionSep}`);
  if (b.scolonPathDelim) words.push('scolonpathdelim=On');
  if (b.noFailover) words.push('nofailover=On');
  if (b.timeout !== 0) words.push(`timeout=${b.timeout}`);
  if (b.maxAttempts !== null) words.push(`maxattempts=${b.maxAttempts}`);
  if (b.failOnStatus.length > 0) words.push(`failonstatus=${b.failOnStatus.join(',')}`);
  if (b.failOnTimeout) words.push('failontimeout=On');
  if (!b.forceRecovery) words.push('forcerecovery=Off');
  if (b.growth !== 0) words.push(`growth=${b.growth}`);
  if (words.length > 0) out.push(INDENT + line('ProxySet', ...words));
  out.push('</Proxy>');
}

function address(a: VirtualHostAddress): string {
  const host = a.isDefault ? '_default_' : (a.host ?? '*');
  return a.port === null ? host : `${host}:${a.port}`;
}

/** Settings of one server; for a vhost, only what differs from what it inherits from `main`. */
function emitServer(out: string[], s: Server, main: Server | null, model: ProxyModel, indent: string): void {
  const differs = <T>(pick: (x: Server) => T, dflt: T): boolean => !same(pick(s), main ? pick(main) : dflt);
  if (s.serverName !== null && differs((x) => x.serverName, null)) out.push(indent + line('ServerName', s.serverName));
  if (s.serverAliases.length > 0) out.push(indent + line('ServerAlias', ...s.serverAliases));
  if (s.documentRoot !== null && differs((x) => x.documentRoot, null)) out.push(indent + line('DocumentRoot', s.documentRoot));
  if (main === null || s.timeouts.timeout !== main.timeouts.timeout) out.push(indent + line('Timeout', s.timeouts.timeout));
  if (s.timeouts.proxyTimeout !== null && differs((x) => x.timeouts.proxyTimeout, null)) out.push(indent + line('ProxyTimeout', s.timeouts.proxyTimeout));
  if (differs((x) => x.forwardProxy, false)) out.push(indent + line('ProxyRequests', onOff(s.forwardProxy)));
  if (differs((x) => x.headers.preserveHost, false)) out.push(indent + line('ProxyPreserveHost', onOff(s.headers.preserveHost)));
  if (differs((x) => x.headers.addHeaders, true)) out.push(indent + line('ProxyAddHeaders', onOff(s.headers.addHeaders)));
  if (differs((x) => x.headers.via, 'off')) out.push(indent + line('ProxyVia', s.headers.via));
  if (differs((x) => x.allowEncodedSlashes, 'off')) out.push(indent + line('AllowEncodedSlashes', s.allowEncodedSlashes));
  emitTls(out, s.tls, main ? main.tls : null, indent);
  if (s.logs.errorLog !== null && differs((x) => x.logs.errorLog, null)) out.push(indent + line('ErrorLog', s.logs.errorLog));
  if (s.logs.logLevel !== null && differs((x) => x.logs.logLevel, 'warn')) out.push(indent + 'LogLevel ' + s.logs.logLevel);
  if (main === null) for (const f of model.logFormats) out.push(indent + line('LogFormat', f.format, ...(f.name !== null ? [f.name] : [])));
  if (main === null || !same(s.logs.access, main.logs.access)) emitLogs(out, s.logs.access, indent, model.logFormats);
  const skip = (all: readonly HeaderOp[], inherited: readonly HeaderOp[] | undefined): readonly HeaderOp[] => all.slice(inherited?.length ?? 0);
  for (const op of skip(s.headers.request, main?.headers.request)) out.push(indent + headerLine('RequestHeader', op));
  for (const op of skip(s.headers.response, main?.headers.response)) out.push(indent + headerLine('Header', op));
  emitHandlers(out, s.handlers.slice(main?.handlers.length ?? 0), indent);
  if (s.limits) {
    if (differs((x) => x.limits?.requestLine, 8190)) out.push(indent + line('LimitRequestLine', s.limits.requestLine));
    if (differs((x) => x.limits?.fieldSize, 8190)) out.push(indent + line('LimitRequestFieldSize', s.limits.fieldSize));
    if (differs((x) => x.limits?.fields, 100)) out.push(indent + line('LimitRequestFields', s.limits.fields));
  }
  emitClientTimeouts(out, s, main, indent);
  emitHealthChecks(out, s.healthChecks, indent);
  emitRewrites(out, s.rewrites ?? [], indent);
  emitRoutes(out, s, indent, (r) => !r.origin.inherited);
  emitReverse(out, s, indent, main ? s.reverse.filter((r) => !main.reverse.some((m) => same(m, r))) : s.reverse);
}

/**
 * RequestReadTimeout with the stages that differ from what the server would have anyway (the main server's for a
 * vhost, mod_reqtimeout's defaults for the main server), and KeepAliveTimeout, KeepAlive and MaxKeepAliveRequests
 * likewise. A model from before these
 * fields (absent) or without mod_reqtimeout (null) writes none.
 */
function emitClientTimeouts(out: string[], s: Server, main: Server | null, indent: string): void {
  const rrt = s.requestReadTimeout;
  if (rrt) {
    const base = main ? (main.requestReadTimeout ?? DEFAULT_REQUEST_READ_TIMEOUT) : DEFAULT_REQUEST_READ_TIMEOUT;
    const stages = (['handshake', 'header', 'body'] as const).filter((k) => !same(rrt[k], base[k])).map((k) => formatReadTimeoutStage(k, rrt[k]));
    if (stages.length > 0) out.push(indent + ['RequestReadTimeout', ...stages].join(' '));
  }
  const ka = s.keepAliveTimeoutMs;
  if (ka !== undefined && ka !== (main ? (main.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS) : DEFAULT_KEEP_ALIVE_TIMEOUT_MS)) {
    out.push(indent + line('KeepAliveTimeout', ka % 1000 === 0 ? String(ka / 1000) : `${ka}ms`));
  }
  const on = s.keepAlive;
  if (on !== undefined && on !== (main ? (main.keepAlive ?? DEFAULT_KEEP_ALIVE) : DEFAULT_KEEP_ALIVE)) out.push(indent + line('KeepAlive', on ? 'On' : 'Off'));
  const max = s.maxKeepAliveRequests;
  if (max !== undefined && max !== (main ? (main.maxKeepAliveRequests ?? DEFAULT_MAX_KEEP_ALIVE_REQUESTS) : DEFAULT_MAX_KEEP_ALIVE_REQUESTS)) {
    out.push(indent + line('MaxKeepAliveRequests', max));
  }
}

/** The server's own ProxyHCExpr and ProxyHCTemplate lines (never inherited), conditions first: a template names them. */
function emitHealthChecks(out: string[], hc: HealthChecks | undefined, indent: string): void {
  if (!hc) return;
  // The condition goes back in the `{…}` group ap_getword_conf2 reads as one word.
  for (const e of hc.expressions) out.push(indent + `ProxyHCExpr ${quoteWord(e.name)} {${e.expr}}`);
  for (const t of hc.templates) out.push(indent + line('ProxyHCTemplate', t.name, ...Object.entries(t.params).map(([k, v]) => `${k}=${v}`)));
}

/** mod_rewrite's [P] subset (src/model/rewrite.ts): the engine, each rule's conditions, the rule. */
function emitRewrites(out: string[], rules: readonly RewriteRule[], indent: string): void {
  if (rules.length === 0) return;
  out.push(indent + 'RewriteEngine On');
  for (const r of rules) {
    for (const c of r.conditions) {
      const flags = [c.nocase ? 'NC' : null, c.ornext ? 'OR' : null].filter((f): f is string => f !== null);
      out.push(indent + line('RewriteCond', c.testString, (c.negate ? '!' : '') + c.pattern, ...(flags.length ? [`[${flags.join(',')}]`] : [])));
    }
    const flags = ['P', ...(r.flags.nocase ? ['NC'] : [])];
    out.push(indent + line('RewriteRule', (r.negate ? '!' : '') + r.pattern, r.substitution, `[${flags.join(',')}]`));
  }
}

function emitVhost(out: string[], v: VirtualHost, model: ProxyModel): void {
  out.push(`<VirtualHost ${v.addresses.map(address).join(' ')}>`);
  emitServer(out, v, model.mainServer, model, INDENT);
  out.push('</VirtualHost>');
}

/** The configuration text a ProxyModel describes. Pure: the same model always gives the same bytes. */
export function buildConfig(model: ProxyModel): string {
  const out: string[] = [`# Generated by apx from the model of ${model.source.entry}.`];
  if (model.unsupported.some((u) => u.category === 'unsupported')) {
    out.push(`# ${model.unsupported.filter((u) => u.category === 'unsupported').length} directive(s) apx does not model are not reproduced (see "unsupported" in the model).`);
  }
  if (model.listenBacklog !== undefined) out.push(line('ListenBacklog', String(model.listenBacklog)));
  for (const l of model.listeners) out.push(line('Listen', l.host === null ? String(l.port) : `${l.host}:${l.port}`, ...(l.protocol !== null ? [l.protocol] : [])));
  emitServer(out, model.mainServer, null, model, '');
  for (const b of model.balancers) emitBalancer(out, b, model.mainServer);
  for (const v of model.virtualHosts) emitVhost(out, v, model);
  return out.join('\n') + '\n';
}
