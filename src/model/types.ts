/**
 * The ProxyModel: what a config means for a reverse proxy, lowered from the resolved tree. It is the only
 * contract between apx's front end and its back ends (runtime, translators, `to-json`): they never see the
 * syntax tree. Everything httpd would decide at start-up is decided here — inheritance from the main
 * server into virtual hosts, the order mod_proxy consults rules in, every worker parameter with httpd's
 * default made explicit — so a consumer needs no Apache knowledge to act on it.
 *
 * JSON-safe by construction (no Maps, no undefined: absent is `null`), validated by ./schema.json.
 * Every node carries the span of the directive it came from. Bump MODEL_VERSION on any incompatible change.
 */

export const MODEL_FORMAT = 'apx-model';
export const MODEL_VERSION = 1;

/** Where a model node came from; spans are 1-based like diagnostics. */
export interface SourceSpan {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ProxyModel {
  format: typeof MODEL_FORMAT;
  version: number;
  source: ModelSource;
  listeners: Listener[];
  /** The main server: answers requests on addresses no <VirtualHost> claims. Its settings are already merged into each vhost below. */
  mainServer: Server;
  virtualHosts: VirtualHost[];
  balancers: Balancer[];
  logFormats: LogFormatDef[];
  /**
   * `ListenBacklog` (core listen.c, server config only): the accept-queue length of every listening socket;
   * absent when not set (httpd's default, 511). Added in model version 1 (additive, optional).
   */
  listenBacklog?: number;
  /** Every directive apx did not model, with why — nothing is dropped silently. */
  unsupported: Unsupported[];
}

export interface ModelSource {
  /** The file given to apx (`<stdin>` for standard input). */
  entry: string;
  /** `tree`: a whole server config was read; `lone-file`: one file read in the context of a default Debian install. */
  mode: 'tree' | 'lone-file';
  serverRoot: string | null;
  /** a2enmod names of the loaded modules, sorted. */
  modules: string[];
  /** Every assumption the model depends on (e.g. the default Debian module set for a lone file). */
  assumptions: string[];
}

export interface Listener {
  /** null for all addresses (`Listen 80`, `*:80`). */
  host: string | null;
  port: number;
  /** `Listen 443 https`; null when not given. */
  protocol: string | null;
  /** Indices into `virtualHosts` of the vhosts that answer on this listener, in config order. */
  virtualHosts: number[];
  span: SourceSpan | null;
}

export interface VirtualHostAddress {
  /** null for `*` or `_default_`. */
  host: string | null;
  /** null for `*` (any port). */
  port: number | null;
  /** Written as `_default_`. */
  isDefault: boolean;
}

/** Settings shared by the main server and each virtual host (after inheritance). */
export interface Server {
  serverName: string | null;
  serverAliases: string[];
  documentRoot: string | null;
  /** Rules in the order mod_proxy consults them: <Location> rules first, then the main server's, then the vhost's own. */
  routes: Route[];
  reverse: ReverseRule[];
  headers: HeaderBehaviour;
  timeouts: Timeouts;
  tls: Tls | null;
  /** `ProxyRequests On` makes this server a forward proxy. */
  forwardProxy: boolean;
  allowEncodedSlashes: 'off' | 'on' | 'nodecode';
  /** `<Location>` handlers apx can serve itself: balancer-manager, server-status. */
  handlers: LocationHandler[];
  logs: Logs;
  /**
   * This server's own `RewriteRule`s when its `RewriteEngine` is On (empty otherwise): the [P] subset apx runs,
   * in config order, before ProxyPass (mod_rewrite's translate-name hook runs first). Not inherited by vhosts,
   * as mod_rewrite without `RewriteOptions Inherit`. Additive.
   */
  rewrites: RewriteRule[];
  /** `LimitRequestLine`/`LimitRequestFieldSize`/`LimitRequestFields`, httpd's defaults made explicit. Additive. */
  limits: RequestLimits;
  /**
   * mod_reqtimeout's `RequestReadTimeout`, stage by stage, httpd's defaults made explicit; a vhost takes the main
   * server's value for each stage it does not set (reqtimeout_merge_srv_config). null when mod_reqtimeout is not
   * loaded and no RequestReadTimeout is written (no read deadlines but `Timeout`). Added after model version 1: optional when a model is read
   * (compile always fills it; readModelJson fills it for older models).
   */
  requestReadTimeout?: RequestReadTimeout | null;
  /** Core's `KeepAliveTimeout` in milliseconds (default 5000); a vhost without one takes the main server's. Additive, as above. */
  keepAliveTimeoutMs?: number;
  /**
   * Core's `KeepAlive` (default On): false answers every request with `Connection: close`. A vhost without one takes
   * the main server's (ap_fixup_virtual_hosts). Additive, as above.
   */
  keepAlive?: boolean;
  /**
   * Core's `MaxKeepAliveRequests` as httpd reads it (atoi; default 100): how many requests after the first one
   * connection may carry — httpd keeps it open while `keepalives < max`, so it answers max + 1 requests and closes
   * after the last. 0 is unlimited; a negative value keeps no connection alive. A vhost without one (or with -1,
   * httpd's "unset") takes the main server's. Additive, as above.
   */
  maxKeepAliveRequests?: number;
  /**
   * mod_proxy_hcheck's `ProxyHCExpr` / `ProxyHCTemplate` definitions written in this server, in config order. Not
   * inherited: the module keeps them per server with no merge, so a vhost sees only its own. Additive, as above.
   */
  healthChecks?: HealthChecks;
  span: SourceSpan | null;
}

/** One stage of `RequestReadTimeout`: `header=20-40,MinRate=500` → {initial: 20, max: 40, minRate: 500}. */
export interface ReadTimeoutStage {
  /** Seconds to read the stage (at least 1: a stage written as 0 is off, null below). */
  initial: number;
  /** Seconds the MinRate extension may reach; null when no `-max` was written. */
  max: number | null;
  /** Bytes per second that extend the deadline by a second; null without `MinRate=`. */
  minRate: number | null;
}

/** mod_reqtimeout's stages; null = the stage is off (`header=0`): no deadline for it. */
export interface RequestReadTimeout {
  /** The TLS handshake (2.4.39+), off by default. */
  handshake: ReadTimeoutStage | null;
  /** The request line and header fields; default `header=20-40,MinRate=500`. */
  header: ReadTimeoutStage | null;
  /** The request body; default `body=20,MinRate=500`. */
  body: ReadTimeoutStage | null;
}

export interface HealthChecks {
  /** `ProxyHCExpr name {expr}`: a later definition of the same name replaces the earlier (apr_table_setn). */
  expressions: HealthCheckExpression[];
  /** `ProxyHCTemplate name key=value…`. */
  templates: HealthCheckTemplate[];
}

export interface HealthCheckExpression {
  name: string;
  /** The ap_expr condition, without the `{…}` that groups it on the directive line. */
  expr: string;
  span: SourceSpan | null;
}

export interface HealthCheckTemplate {
  name: string;
  /** `hcmethod`, `hcuri`, `hcinterval`, `hcpasses`, `hcfails`, `hcexpr`, `hctemplate`: lower-case keys, values as written. */
  params: Record<string, string>;
  span: SourceSpan | null;
}

/** core.c's request-head limits (inherited by vhosts unless set there). */
export interface RequestLimits {
  /** `LimitRequestLine`, default 8190 bytes. */
  requestLine: number;
  /** `LimitRequestFieldSize`, default 8190 bytes. */
  fieldSize: number;
  /** `LimitRequestFields`, default 100; 0 = unlimited. */
  fields: number;
}

export interface RewriteRule {
  /** The regex, without a leading `!`. */
  pattern: string;
  negate: boolean;
  /** As written: `$N`, `%N` and `%{VAR}` are expanded per request. */
  substitution: string;
  /** [P] is always set (the subset apx runs); [P] implies [L]. */
  flags: { proxy: boolean; last: boolean; nocase: boolean };
  /** The RewriteCond lines written before it, in order. */
  conditions: RewriteCondition[];
  span: SourceSpan | null;
}

export interface RewriteCondition {
  /** `%{HTTP:Upgrade}`, `%{REQUEST_URI}` … as written. */
  testString: string;
  /** The regex, without a leading `!`. */
  pattern: string;
  negate: boolean;
  nocase: boolean;
  /** [OR]: this condition or the next. */
  ornext: boolean;
  span: SourceSpan | null;
}

export interface VirtualHost extends Server {
  /** Stable id: `vhost-<index>` in config order. */
  id: string;
  addresses: VirtualHostAddress[];
  /** More than one vhost shares one of this vhost's addresses, so Host selects among them. */
  nameBased: boolean;
}

export type RouteMatch = { kind: 'prefix'; path: string } | { kind: 'regex'; pattern: string; caseInsensitive: boolean };

export interface Route {
  match: RouteMatch;
  /** `ProxyPass /x !`: requests matching stay local. */
  exclude: boolean;
  /** null for exclusions. */
  target: Target | null;
  /** Where the rule was written. */
  origin: {
    directive: 'ProxyPass' | 'ProxyPassMatch';
    /** The enclosing <Location>/<LocationMatch> path or pattern, or null at server level. */
    location: string | null;
    locationIsRegex: boolean;
    /** Inherited from the main server into this vhost. */
    inherited: boolean;
  };
  /** Rule flags: `nocanon`, `noquery`, `interpolate`, `mapping=`. */
  flags: RouteFlags;
  /** The worker parameters for a direct target (null for balancer targets: see the balancer's members). */
  worker: WorkerParams | null;
  span: SourceSpan | null;
}

export interface RouteFlags {
  nocanon: boolean;
  noquery: boolean;
  interpolate: boolean;
  mapping: 'encoded' | 'servlet' | null;
}

export interface Target {
  /** The URL exactly as written (after ${VAR} expansion). */
  url: string;
  /** Lower-case scheme: http, https, ws, wss, balancer, ajp, fcgi, h2, h2c, unix+http … */
  scheme: string;
  host: string;
  /** Explicit or the scheme's default; null for balancer and unix-socket targets. */
  port: number | null;
  /** Path part of the URL, `` when none was written (which matters: `http://b` vs `http://b/`). */
  path: string;
  /** For `balancer://name/…`: the balancer's name. */
  balancer: string | null;
  /** For `unix:/path|http://…` targets: the socket path. */
  unixSocket: string | null;
}

/** A worker's parameters with httpd's defaults made explicit (mod_proxy.c set_worker_param). */
export interface WorkerParams {
  retry: number;
  /** Seconds; the server's ProxyTimeout, else Timeout, when not set on the worker. */
  timeout: number;
  connectionTimeout: number;
  keepalive: boolean;
  disableReuse: boolean;
  /** Max connections; null = httpd's ThreadsPerChild default. */
  max: number | null;
  min: number | null;
  smax: number | null;
  ttl: number | null;
  loadFactor: number;
  lbset: number;
  ping: number;
  route: string | null;
  redirect: string | null;
  status: MemberStatus;
  /** `upgrade=` protocol (websocket…); null when not set. */
  upgrade: string | null;
  /** Parameters not listed above, verbatim, lower-case keys. */
  other: Record<string, string>;
}

export interface MemberStatus {
  disabled: boolean;
  stopped: boolean;
  ignoreErrors: boolean;
  hotStandby: boolean;
  hotSpare: boolean;
  inError: boolean;
  drain: boolean;
}

export interface Balancer {
  /** `mycluster` for `balancer://mycluster`. */
  name: string;
  url: string;
  members: BalancerMember[];
  lbmethod: string;
  stickySession: string | null;
  stickySessionSep: string;
  scolonPathDelim: boolean;
  noFailover: boolean;
  /** Seconds to wait for a free member; 0 = don't wait. */
  timeout: number;
  /** null = members − 1 (httpd's default). */
  maxAttempts: number | null;
  failOnStatus: number[];
  failOnTimeout: boolean;
  forceRecovery: boolean;
  growth: number;
  /** Where it was defined (<Proxy balancer://…> or the first BalancerMember). */
  span: SourceSpan | null;
}

export interface BalancerMember {
  url: string;
  target: Target;
  params: WorkerParams;
  span: SourceSpan | null;
}

export type ReverseRule =
  | { kind: 'url'; /** local path prefix */ path: string; /** backend URL or balancer://name/ */ url: string; interpolate: boolean; location: string | null; span: SourceSpan | null }
  | { kind: 'cookie-domain'; internal: string; public: string; span: SourceSpan | null }
  | { kind: 'cookie-path'; internal: string; public: string; span: SourceSpan | null };

export interface HeaderBehaviour {
  preserveHost: boolean;
  /** X-Forwarded-For/-Host/-Server. */
  addHeaders: boolean;
  via: 'off' | 'on' | 'full' | 'block';
  /** `RequestHeader` operations in config order. */
  request: HeaderOp[];
  /** `Header` operations in config order. */
  response: HeaderOp[];
}

export interface HeaderOp {
  action: 'set' | 'append' | 'add' | 'unset' | 'merge' | 'setifempty' | 'echo' | 'edit' | 'edit*' | 'note';
  /** `always` or `onsuccess` for response headers; null for request headers. */
  condition: 'always' | 'onsuccess' | null;
  header: string;
  value: string | null;
  /** For edit/edit*: the regex and replacement are `value` and `replacement`. */
  replacement: string | null;
  /** Trailing `early`, `env=…`, `expr=…` kept verbatim. */
  when: string | null;
  span: SourceSpan | null;
}

export interface Timeouts {
  /** `Timeout`, default 60 s. */
  timeout: number;
  /** `ProxyTimeout`, null when not set (workers then use `timeout`). */
  proxyTimeout: number | null;
}

export interface Tls {
  engine: boolean;
  certificateFile: string | null;
  certificateKeyFile: string | null;
  certificateChainFile: string | null;
  protocol: string | null;
  cipherSuite: string | null;
  proxyEngine: boolean;
  proxyVerify: string | null;
  proxyCaCertificateFile: string | null;
  proxyCheckPeerName: boolean | null;
  /**
   * Added after model version 1 shipped, so optional for models written before (compile always fills them).
   * `SSLCipherSuite TLSv1.3 …`: the TLS 1.3 suites (`cipherSuite` is the TLS ≤ 1.2 list, `SSLCipherSuite [SSL] …`).
   */
  tls13CipherSuite?: string | null;
  /** `SSLHonorCipherOrder`; null = not set (OpenSSL's default: the client's order). */
  honorCipherOrder?: boolean | null;
  /** `SSLProxyProtocol`, verbatim (mod_ssl syntax, as `protocol`). */
  proxyProtocol?: string | null;
  /** `SSLProxyCipherSuite [SSL] …`: the TLS ≤ 1.2 list for https backends. */
  proxyCipherSuite?: string | null;
  /** `SSLProxyCipherSuite TLSv1.3 …`. */
  proxyTls13CipherSuite?: string | null;
  /**
   * `SSLSessionTickets` (per vhost); null = not set, mod_ssl's default On. Off: no stateless tickets
   * (SSL_OP_NO_TICKET); TLS 1.3 then resumes through the session cache only (stateful tickets). Additive.
   */
  sessionTickets?: boolean | null;
  /**
   * `SSLSessionCache` — a main-server directive (apache2 refuses it in <VirtualHost>), so every vhost carries the
   * main server's; null = not set, mod_ssl's default `none`. Additive.
   */
  sessionCache?: SslSessionCache | null;
  /**
   * `SSLSessionCacheTimeout` in seconds (per vhost; atoi, as mod_ssl); null = not set, mod_ssl's default 300. The
   * lifetime of cached sessions and of tickets (SSL_CTX_set_timeout). Additive.
   */
  sessionCacheTimeout?: number | null;
}

/**
 * `SSLSessionCache` as mod_ssl reads it (ssl_engine_config.c ssl_cmd_SSLSessionCache): `none` (no cache),
 * `nonenotnull` (OpenSSL's internal cache, per process), or an socache provider `name[:argument]` — `shmcb`
 * (shared memory, one cache for every child; `sizeBytes` from `(N)`, default 512 KiB), `dbm`, `dc`, `memcache`,
 * `redis`, or `default` (shmcb with its defaults).
 */
export type SslSessionCache =
  | { kind: 'none' }
  | { kind: 'nonenotnull' }
  | {
      kind: 'socache';
      /** Provider name, case-sensitive as mod_ssl looks it up (`shmcb`, `dbm`, `dc`, `memcache`, `redis`, `default`). */
      provider: string;
      /** What follows the first `:`, verbatim; null when there is none. */
      argument: string | null;
      /** shmcb's byte size (`(512000)`), its default 524288 when not given; null for other providers. */
      sizeBytes: number | null;
    };

export interface LocationHandler {
  path: string;
  handler: 'balancer-manager' | 'server-status';
  /** `Require` lines inside the <Location>, verbatim; empty = none (exposed to everyone). */
  require: string[][];
  span: SourceSpan | null;
}

export interface LogFormatDef {
  /** Nickname (`combined`) or null for a format given inline. */
  name: string | null;
  format: string;
  span: SourceSpan | null;
}

export interface Logs {
  errorLog: string | null;
  logLevel: string | null;
  access: AccessLog[];
}

export interface AccessLog {
  /** File path, or `|command` for piped logs. */
  target: string;
  /** The LogFormat string, nickname resolved. */
  format: string;
  formatName: string | null;
  /** A trailing `env=…` or `expr=…` that decides which requests are logged; null when every request is. Additive. */
  condition: string | null;
  span: SourceSpan | null;
}

export interface Unsupported {
  directive: string;
  args: string[];
  /**
   * `irrelevant`: understood, and changes nothing a reverse proxy does (ServerAdmin, <Directory> settings, MPM
   * tuning). `unsupported`: may change what the proxy does, and apx does not reproduce it (mod_rewrite, access
   * control in <Location>, per-location headers). Added in model version 1 (additive).
   */
  category: 'irrelevant' | 'unsupported';
  /** Why apx did not model it: `not a proxy setting`, `module mod_rewrite is not modelled`, … */
  reason: string;
  span: SourceSpan | null;
}
