/**
 * What the collecting pass accumulates per server (the main server and each <VirtualHost>), before inheritance.
 * Mirrors the per-server records httpd builds while reading: core's server config, mod_proxy's
 * proxy_server_conf (aliases, workers) and the server's default per-directory config (raliases, headers).
 */
import type { Span } from '../diagnostic.js';
import type { ResolvedSection } from '../config/types.js';
import type { ParamTable } from './workers.js';
import type {
  HealthCheckExpression,
  HealthCheckTemplate,
  HeaderOp,
  ReadTimeoutStage,
  ReverseRule,
  RewriteCondition,
  RewriteRule,
  RouteFlags,
  RouteMatch,
  SourceSpan,
  Target,
  Tls,
  VirtualHostAddress,
} from './types.js';

export interface WorkerDef {
  /** Normalised name (lower-case scheme and host, default port dropped), as ap_proxy_define_worker_ex names it. */
  readonly name: string;
  readonly kind: 'prefix' | 'match';
  /** Mutable: a later ProxySet on the same worker changes it (mod_proxy.c set_proxy_param). */
  readonly params: ParamTable;
}

export interface RouteDraft {
  readonly match: RouteMatch;
  readonly exclude: boolean;
  readonly target: Target | null;
  readonly flags: RouteFlags;
  /** The worker the route uses (shared with earlier routes whose URL it extends); null for exclusions and balancers. */
  readonly worker: WorkerDef | null;
  readonly regexWithSubstitution: boolean;
  readonly directive: 'ProxyPass' | 'ProxyPassMatch';
  readonly location: string | null;
  readonly locationIsRegex: boolean;
  readonly span: SourceSpan | null;
}

export interface HandlerDraft {
  readonly path: string;
  readonly handler: 'balancer-manager' | 'server-status';
  readonly section: ResolvedSection;
  readonly span: SourceSpan | null;
}

export interface AccessLogDraft {
  readonly target: string;
  /** The format argument (nickname or format string); null for TransferLog (the server's default format). */
  readonly formatArg: string | null;
  readonly condition: string | null;
  readonly span: SourceSpan | null;
  readonly at: Span;
}

export interface ServerScope {
  readonly section: ResolvedSection | null;
  readonly addresses: readonly VirtualHostAddress[];
  serverName: string | null;
  serverAliases: string[];
  documentRoot: string | null;
  timeout: number | null;
  proxyTimeout: number | null;
  preserveHost: boolean | null;
  addHeaders: boolean | null;
  via: 'off' | 'on' | 'full' | 'block' | null;
  forwardProxy: boolean | null;
  allowEncodedSlashes: 'off' | 'on' | 'nodecode' | null;
  tls: Partial<Tls>;
  /** One route per <Location> at most: a later ProxyPass in the same <Location> replaces the earlier (dconf->alias). */
  locationRoutes: Map<ResolvedSection, RouteDraft>;
  routes: RouteDraft[];
  reverse: ReverseRule[];
  locationReverse: ReverseRule[];
  requestHeaders: HeaderOp[];
  responseHeaders: HeaderOp[];
  handlers: HandlerDraft[];
  errorLog: string | null;
  logLevel: string | null;
  accessLogs: AccessLogDraft[];
  /** LogFormat nickname → format, for this server (a vhost overlays the main server's). */
  logFormats: Map<string, string>;
  /** The last LogFormat without a nickname: what TransferLog uses. */
  defaultLogFormat: string | null;
  workers: WorkerDef[];
  /** `RewriteEngine`: null when not written (off). */
  rewriteEngine: boolean | null;
  rewriteRules: RewriteRule[];
  /** RewriteCond lines waiting for their RewriteRule. */
  rewriteConds: RewriteCondition[];
  /** LimitRequestLine / LimitRequestFieldSize / LimitRequestFields when set here. */
  limits: { requestLine: number | null; fieldSize: number | null; fields: number | null };
  /** RequestReadTimeout stages set here (a key is absent when no directive of this server named the stage). */
  readTimeout: { handshake?: ReadTimeoutStage | null; header?: ReadTimeoutStage | null; body?: ReadTimeoutStage | null };
  /** `KeepAliveTimeout` in milliseconds when set here. */
  keepAliveTimeoutMs: number | null;
  /** `KeepAlive` when set here. */
  keepAlive: boolean | null;
  /** `MaxKeepAliveRequests` (atoi) when set here. */
  maxKeepAliveRequests: number | null;
  /** ProxyHCExpr / ProxyHCTemplate written in this server, in config order. */
  hcExpressions: HealthCheckExpression[];
  hcTemplates: HealthCheckTemplate[];
}

export function newScope(section: ResolvedSection | null, addresses: readonly VirtualHostAddress[]): ServerScope {
  return {
    section,
    addresses,
    serverName: null,
    serverAliases: [],
    documentRoot: null,
    timeout: null,
    proxyTimeout: null,
    preserveHost: null,
    addHeaders: null,
    via: null,
    forwardProxy: null,
    allowEncodedSlashes: null,
    tls: {},
    locationRoutes: new Map(),
    routes: [],
    reverse: [],
    locationReverse: [],
    requestHeaders: [],
    responseHeaders: [],
    handlers: [],
    errorLog: null,
    logLevel: null,
    accessLogs: [],
    logFormats: new Map(),
    defaultLogFormat: null,
    workers: [],
    rewriteEngine: null,
    rewriteRules: [],
    rewriteConds: [],
    limits: { requestLine: null, fieldSize: null, fields: null },
    readTimeout: {},
    keepAliveTimeoutMs: null,
    keepAlive: null,
    maxKeepAliveRequests: null,
    hcExpressions: [],
    hcTemplates: [],
  };
}
