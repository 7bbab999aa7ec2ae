/**
 * The collecting pass: every active directive in reading order, assigned to the server it configures and handled
 * the way its module's command handler would (mod_proxy.c add_pass/add_member/set_proxy_param, core.c,
 * mod_log_config.c, mod_headers.c, mod_ssl). What is not handled goes to `unsupported` with a reason.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { LoadResult, ResolvedDirective, ResolvedSection } from '../config/types.js';
import { walk } from '../config/walk.js';
import { cAtoi, parseApacheTimeout } from '../directives/cnum.js';
import { parseSessionCache, parseSessionCacheTimeout, parseSessionTickets } from './ssl-session.js';
import { nameKey, sameName } from '../syntax/names.js';
import { parseListen, parseVhostAddress } from './addresses.js';
import { addMember, proxySectionUrl, proxySet } from './balancer-defs.js';
import { classify } from './classify.js';
import { parseKeepAliveTimeout, parseRequestReadTimeout } from './client-timeouts.js';
import { parseFlag } from '../directives/shapes.js';
import { parseHcExprDirective, parseHcTemplateDirective } from './hcheck.js';
import { newCollector, toSourceSpan, type BalancerDraft } from './context.js';
import { parseHeaderOp } from './headers.js';
import { parseRewriteCond, parseRewriteRule } from './rewrite.js';
import { addPass, addReverse, locationOf } from './proxy-pass.js';
import { newScope, type ServerScope } from './scope.js';
import type { Listener, SourceSpan, Unsupported } from './types.js';

export type { BalancerDraft };

export interface Collected {
  readonly main: ServerScope;
  readonly vhosts: ServerScope[];
  readonly listeners: (Omit<Listener, 'virtualHosts'>)[];
  readonly balancers: Map<string, BalancerDraft>;
  readonly logFormats: { name: string | null; format: string; span: SourceSpan | null }[];
  /** `ListenBacklog`, the last one in the main server; null when not set. */
  readonly listenBacklog: number | null;
  readonly unsupported: Unsupported[];
  readonly diagnostics: Diagnostic[];
  readonly modules: ReadonlySet<string>;
  /** `Require` lines of each <Location> that has a handler apx serves. */
  readonly requires: Map<ResolvedSection, string[][]>;
}

const isSection = (s: ResolvedSection, ...names: string[]): boolean => names.some((n) => sameName(s.name, n));

export function collect(loaded: LoadResult): Collected {
  const main = newScope(null, []);
  const vhosts: ServerScope[] = [];
  const vhostOf = new Map<ResolvedSection, ServerScope>();
  const listeners: Omit<Listener, 'virtualHosts'>[] = [];
  const c = newCollector();
  const logFormats: Collected['logFormats'] = [];
  let listenBacklog: number | null = null;
  const unsupported: Unsupported[] = [];
  const modules = loaded.modules.names;
  /** Require lines per <Location>, attached to a handler or reported unsupported at the end. */
  const locationRequires = new Map<ResolvedSection, ResolvedDirective[]>();
  /** Servers whose pending RewriteConds include one apx cannot run. */
  const rewritePoisoned = new Set<ServerScope>();

  const error = c.error;
  /** A FLAG directive: its value set, or Apache's refusal reported (the setting then keeps what it had). */
  const flag = (d: ResolvedDirective, name: string, set: (on: boolean) => void): void => {
    const on = parseFlag(d.args);
    if (on === null) error(d, 'model/invalid-value', `${name} must be On or Off`, `${name} On`);
    else set(on);
  };
  /** Reading order of every directive, so `unsupported` lists them as the config does. */
  const seq = new Map<ResolvedDirective, number>();
  const skipped: { seq: number; entry: Unsupported }[] = [];
  const skip = (d: ResolvedDirective, category: Unsupported['category'], reason: string): void => {
    skipped.push({ seq: seq.get(d) ?? 0, entry: { directive: d.name, args: [...d.args], category, reason, span: toSourceSpan(d.span) } });
  };

  const serverDirective = (d: ResolvedDirective, scope: ServerScope, isMain: boolean): boolean => {
    const a = d.args;
    switch (nameKey(d.name)) {
      case 'listen': {
        if (!isMain) return false;
        const l = parseListen(a);
        if (!l) error(d, 'model/invalid-listen', `Listen "${a.join(' ')}" is not [address:]port [protocol]`, 'Listen 80');
        else listeners.push({ ...l, span: toSourceSpan(d.span) });
        return true;
      }
      case 'listenbacklog': {
        // listen.c ap_set_listenbacklog: GLOBAL_ONLY; atoi, and anything below 1 is refused.
        if (!isMain) return false;
        const n = cAtoi(a[0] ?? '');
        if (n < 1) error(d, 'model/invalid-listenbacklog', 'ListenBacklog must be > 0', 'ListenBacklog 511');
        else listenBacklog = n;
        return true;
      }
      case 'servername':
        scope.serverName = a[0] ?? null;
        return true;
      case 'serveralias':
        scope.serverAliases.push(...a);
        return true;
      case 'documentroot':
        scope.documentRoot = a[0] ?? null;
        return true;
      case 'timeout': {
        // core.c set_timeout(): ap_timeout_parameter_parse with seconds as the default unit (`Timeout 1min` works).
        const micros = parseApacheTimeout(a[0] ?? '', 's');
        if (micros === null) error(d, 'model/invalid-timeout', `Timeout "${a[0] ?? ''}" is not a duration`, 'Timeout 60');
        else scope.timeout = micros / 1_000_000;
        return true;
      }
      case 'proxytimeout': {
        // mod_proxy.c set_proxy_timeout(): atoi(), at least one second.
        const n = cAtoi(a[0] ?? '');
        if (n < 1) error(d, 'model/invalid-timeout', 'Proxy Timeout must be at least 1 second.', 'ProxyTimeout 60');
        else scope.proxyTimeout = n;
        return true;
      }
      case 'proxypreservehost':
        flag(d, 'ProxyPreserveHost', (on) => (scope.preserveHost = on));
        return true;
      case 'proxyaddheaders':
        flag(d, 'ProxyAddHeaders', (on) => (scope.addHeaders = on));
        return true;
      case 'proxyrequests':
        flag(d, 'ProxyRequests', (on) => (scope.forwardProxy = on));
        return true;
      case 'proxyvia': {
        const v = nameKey(a[0] ?? '');
        if (v === 'off' || v === 'on' || v === 'full' || v === 'block') scope.via = v;
        else error(d, 'model/invalid-value', 'ProxyVia must be one of: off | on | full | block');
        return true;
      }
      case 'allowencodedslashes': {
        const v = nameKey(a[0] ?? '');
        if (v === 'off' || v === 'on' || v === 'nodecode') scope.allowEncodedSlashes = v;
        else error(d, 'model/invalid-value', 'AllowEncodedSlashes must be On, Off or NoDecode');
        return true;
      }
      case 'proxypass':
      case 'proxypassmatch':
        addPass(c, d, scope, null);
        return true;
      case 'proxypassreverse':
      case 'proxypassreversecookiedomain':
      case 'proxypassreversecookiepath':
        addReverse(c, d, scope, null);
        return true;
      case 'balancermember':
        addMember(c, d, null);
        return true;
      case 'proxyset':
        if (a[0] === undefined) error(d, 'model/invalid-proxyset', 'ProxySet outside <Proxy> needs the balancer or worker URL first');
        else proxySet(c, d, scope, a[0], a.slice(1), 'ProxySet');
        return true;
      case 'requestheader':
      case 'header': {
        const which = nameKey(d.name) === 'header' ? 'Header' : 'RequestHeader';
        const r = parseHeaderOp(which, a, toSourceSpan(d.span));
        if (!r.ok) error(d, 'model/invalid-header', r.message);
        else (which === 'Header' ? scope.responseHeaders : scope.requestHeaders).push(r.op);
        return true;
      }
      case 'logformat': {
        const [format, nick] = a;
        if (format === undefined) return false;
        logFormats.push({ name: nick ?? null, format, span: toSourceSpan(d.span) });
        if (nick === undefined) scope.defaultLogFormat = format;
        else scope.logFormats.set(nick, format);
        return true;
      }
      case 'customlog':
      case 'transferlog': {
        const transfer = nameKey(d.name) === 'transferlog';
        const [target, formatArg, condition] = a;
        if (target === undefined || (!transfer && formatArg === undefined)) return false;
        if (condition !== undefined && !/^(env|expr)=/i.test(condition)) error(d, 'model/invalid-customlog', `CustomLog condition "${condition}" must be env=… or expr=…`);
        scope.accessLogs.push({ target, formatArg: transfer ? null : formatArg!, condition: condition ?? null, span: toSourceSpan(d.span), at: d.span });
        return true;
      }
      case 'errorlog':
        scope.errorLog = a[0] ?? null;
        return true;
      case 'loglevel':
        scope.logLevel = a.join(' ');
        return true;
      case 'sslengine':
        scope.tls.engine = /^(on|optional)$/i.test(a[0] ?? '');
        return true;
      case 'sslcertificatefile':
        scope.tls.certificateFile = a[0] ?? null;
        return true;
      case 'sslcertificatekeyfile':
        scope.tls.certificateKeyFile = a[0] ?? null;
        return true;
      case 'sslcertificatechainfile':
        scope.tls.certificateChainFile = a[0] ?? null;
        return true;
      case 'sslprotocol':
        scope.tls.protocol = a.join(' ');
        return true;
      case 'sslciphersuite':
      case 'sslproxyciphersuite': {
        // ssl_engine_config.c ssl_cmd_SSLCipherSuite (TAKE12): one argument, or `SSL list` / `TLSv1.3 list`
        // (compared case-sensitively); any other first word: "protocol 'x' not supported".
        const proxy = nameKey(d.name) === 'sslproxyciphersuite';
        const [first, second] = a;
        if (first === undefined) return false;
        const kind = second === undefined ? 'SSL' : first;
        const list = second ?? first;
        if (kind === 'SSL') scope.tls[proxy ? 'proxyCipherSuite' : 'cipherSuite'] = list;
        else if (kind === 'TLSv1.3') scope.tls[proxy ? 'proxyTls13CipherSuite' : 'tls13CipherSuite'] = list;
        else error(d, 'model/invalid-value', `${d.name}: protocol '${kind}' not supported (the first of two arguments must be SSL or TLSv1.3)`, `${d.name} ${a.join(':')}`);
        return true;
      }
      case 'sslhonorcipherorder':
        flag(d, 'SSLHonorCipherOrder', (on) => (scope.tls.honorCipherOrder = on));
        return true;
      case 'sslproxyprotocol':
        scope.tls.proxyProtocol = a.join(' ');
        return true;
      case 'sslsessiontickets': {
        const r = parseSessionTickets(a);
        if (!r.ok) error(d, 'model/invalid-value', r.message, r.hint);
        else scope.tls.sessionTickets = r.value;
        return true;
      }
      case 'sslsessioncachetimeout': {
        const r = parseSessionCacheTimeout(a[0] ?? '');
        if (!r.ok) error(d, 'model/invalid-value', r.message, r.hint);
        else scope.tls.sessionCacheTimeout = r.value;
        return true;
      }
      case 'sslsessioncache': {
        // GLOBAL_ONLY: apache2 refuses it in <VirtualHost> (lint's directive-context says so); not taken there.
        if (!isMain) return false;
        const r = parseSessionCache(a[0] ?? '');
        if (!r.ok) error(d, 'model/invalid-value', r.message, r.hint);
        else scope.tls.sessionCache = r.value;
        return true;
      }
      case 'sslproxyengine':
        flag(d, 'SSLProxyEngine', (on) => (scope.tls.proxyEngine = on));
        return true;
      case 'sslproxyverify':
        scope.tls.proxyVerify = a[0] ?? null;
        return true;
      case 'sslproxycacertificatefile':
        scope.tls.proxyCaCertificateFile = a[0] ?? null;
        return true;
      case 'sslproxycheckpeername':
        flag(d, 'SSLProxyCheckPeerName', (on) => (scope.tls.proxyCheckPeerName = on));
        return true;
      case 'limitrequestline':
      case 'limitrequestfieldsize':
      case 'limitrequestfields': {
        // core.c set_limit_req_*: atoi(), a negative value is refused.
        const key = nameKey(d.name) === 'limitrequestline' ? 'requestLine' : nameKey(d.name) === 'limitrequestfieldsize' ? 'fieldSize' : 'fields';
        const n = cAtoi(a[0] ?? '');
        if (n < 0) error(d, 'model/invalid-value', `${d.name} "${a[0] ?? ''}" must be a non-negative integer`, `${d.name} ${key === 'fields' ? 100 : 8190}`);
        else scope.limits[key] = n;
        return true;
      }
      case 'requestreadtimeout': {
        // mod_reqtimeout.c set_reqtimeouts: each word sets one stage of this server, in order; the first bad one
        // stops the directive (apache2 refuses the config), so none of its stages are taken.
        const r = parseRequestReadTimeout(a);
        if (!r.ok) error(d, 'model/invalid-value', r.message, 'RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500 (a range needs MinRate; 0 turns a stage off)');
        else Object.assign(scope.readTimeout, r.stages);
        return true;
      }
      case 'keepalivetimeout': {
        const ms = a.length === 1 ? parseKeepAliveTimeout(a[0]!) : null;
        if (a.length !== 1) error(d, 'model/invalid-value', 'KeepAliveTimeout takes one argument, Keep-Alive timeout duration (sec)', 'KeepAliveTimeout 5');
        else if (ms === null) error(d, 'model/invalid-timeout', 'KeepAliveTimeout has wrong format', 'KeepAliveTimeout 5 (seconds) or KeepAliveTimeout 500ms');
        else scope.keepAliveTimeoutMs = ms;
        return true;
      }
      case 'keepalive':
        flag(d, 'KeepAlive', (on) => (scope.keepAlive = on));
        return true;
      case 'maxkeepaliverequests':
        // http_core.c set_keep_alive_max: TAKE1, then atoi() — apache2 takes any word (`abc` is 0, unlimited).
        if (a.length !== 1) error(d, 'model/invalid-value', 'MaxKeepAliveRequests takes one argument, Maximum number of Keep-Alive requests per connection, or 0 for infinite', 'MaxKeepAliveRequests 100');
        else scope.maxKeepAliveRequests = cAtoi(a[0]!);
        return true;
      case 'rewriteengine':
        flag(d, 'RewriteEngine', (on) => (scope.rewriteEngine = on));
        return true;
      case 'rewritecond': {
        const r = parseRewriteCond(a, toSourceSpan(d.span));
        if (!r.ok) {
          skip(d, 'unsupported', r.reason);
          // The rule these conditions guard cannot be run faithfully either.
          rewritePoisoned.add(scope);
        } else scope.rewriteConds.push(r.value);
        return true;
      }
      case 'rewriterule': {
        const conds = scope.rewriteConds;
        scope.rewriteConds = [];
        if (rewritePoisoned.delete(scope)) {
          skip(d, 'unsupported', 'one of its RewriteConds is outside the subset apx runs');
          return true;
        }
        const r = parseRewriteRule(a, conds, toSourceSpan(d.span));
        if (!r.ok) skip(d, 'unsupported', r.reason);
        else scope.rewriteRules.push(r.value);
        return true;
      }
      default:
        return false;
    }
  };

  const healthCheckDirective = (d: ResolvedDirective, scope: ServerScope): boolean => {
    const key = nameKey(d.name);
    if (key !== 'proxyhcexpr' && key !== 'proxyhctemplate') return false;
    const span = toSourceSpan(d.span);
    if (key === 'proxyhcexpr') {
      const r = parseHcExprDirective(d.args, span);
      if (!r.ok) error(d, 'model/invalid-value', r.message, r.hint);
      else scope.hcExpressions.push(r.value);
      return true;
    }
    const known = { expressions: new Set(scope.hcExpressions.map((e) => e.name)), templates: new Set(scope.hcTemplates.map((t) => t.name)) };
    const r = parseHcTemplateDirective(d.args, span, known);
    if (!r.ok) error(d, 'model/invalid-value', r.message, r.hint);
    else scope.hcTemplates.push(r.value);
    return true;
  };

  const locationDirective = (d: ResolvedDirective, scope: ServerScope, section: ResolvedSection): boolean => {
    const info = locationOf(section);
    switch (nameKey(d.name)) {
      case 'proxypass':
      case 'proxypassmatch':
        addPass(c, d, scope, { section, info });
        return true;
      case 'proxypassreverse':
      case 'proxypassreversecookiedomain':
      case 'proxypassreversecookiepath':
        addReverse(c, d, scope, info);
        return true;
      case 'sethandler': {
        const h = nameKey(d.args[0] ?? '');
        if (h !== 'balancer-manager' && h !== 'server-status') return false;
        scope.handlers.push({ path: info.path, handler: h, section, span: toSourceSpan(d.span) });
        return true;
      }
      case 'require': {
        const list = locationRequires.get(section) ?? [];
        list.push(d);
        locationRequires.set(section, list);
        return true;
      }
      default:
        return false;
    }
  };

  walk(loaded.root, (node, ctx) => {
    if (node.kind === 'include') return;
    // ctx.enclosing is built on first read, O(depth) per section level: read it only for the sections that matter
    // here, so 20,000 nested <Location>s compile in linear time.
    if (node.kind === 'section' && (node.condition !== null || !isSection(node, 'VirtualHost', 'Proxy', 'ProxyMatch'))) return;
    const encl = ctx.enclosing;
    let scope = main;
    let rest = encl;
    if (encl[0] !== undefined && isSection(encl[0], 'VirtualHost')) {
      scope = vhostOf.get(encl[0])!;
      rest = encl.slice(1);
    }
    if (node.kind === 'section') {
      if (node.condition !== null) return;
      if (encl.length === 0 && isSection(node, 'VirtualHost')) {
        const s = newScope(node, node.args.map(parseVhostAddress));
        vhosts.push(s);
        vhostOf.set(node, s);
      } else if (rest.length === 0 && isSection(node, 'Proxy', 'ProxyMatch')) {
        const p = proxySectionUrl(node);
        if (!p.isRegex) proxySet(c, node, scope, p.url, p.params, 'Proxy');
      }
      return;
    }
    const d = node;
    seq.set(d, seq.size);
    // mod_proxy_hcheck's definitions configure the enclosing server wherever they stand (OR_FILEINFO, stored in
    // cmd->server's config), so a <Location> or <Proxy> around them changes nothing.
    if (healthCheckDirective(d, scope)) return;
    const inner = rest[0];
    if (rest.length === 0) {
      if (serverDirective(d, scope, scope === main)) return;
    } else if (rest.length === 1 && inner !== undefined && isSection(inner, 'Location', 'LocationMatch')) {
      if (locationDirective(d, scope, inner)) return;
    } else if (rest.length === 1 && inner !== undefined && isSection(inner, 'Proxy', 'ProxyMatch')) {
      const p = proxySectionUrl(inner);
      if (nameKey(d.name) === 'balancermember') {
        addMember(c, d, p.isRegex ? null : p.url);
        return;
      }
      if (nameKey(d.name) === 'proxyset' && !p.isRegex) {
        proxySet(c, d, scope, p.url, d.args, 'ProxySet');
        return;
      }
    }
    const why = classify(d.name, rest);
    skip(d, why.category, why.reason);
  });

  // Require lines count only for the handlers apx serves; elsewhere they are access control apx does not model.
  const handled = new Set([main, ...vhosts].flatMap((s) => s.handlers.map((h) => h.section)));
  for (const [section, reqs] of locationRequires) {
    if (handled.has(section)) continue;
    for (const d of reqs) skip(d, 'unsupported', `inside <${section.name} ${section.args.join(' ')}>: access control is not modelled`);
  }

  unsupported.push(...skipped.sort((a, b) => a.seq - b.seq).map((x) => x.entry));
  const requires = new Map<ResolvedSection, string[][]>();
  for (const section of handled) requires.set(section, (locationRequires.get(section) ?? []).map((d) => [...d.args]));
  return { main, vhosts, listeners, balancers: c.balancers, logFormats, listenBacklog, unsupported, diagnostics: c.diagnostics, modules, requires };
}
