/**
 * Everything decided at start-up, per server (the main server and each <VirtualHost>): its route table, reverse
 * table, header operations, workers and log sinks. Requests only look things up here.
 */
import { hostname as osHostname } from 'node:os';
import type { Duplex } from 'node:stream';
import type HttpProxy from 'http-proxy';
import type { HeaderOp, ProxyModel, Server, VirtualHost, WorkerParams } from '../model/types.js';
import { workerParams } from '../model/workers.js';
import { BalancerRuntime } from './balancer.js';
import type { BalancerManager } from './manager/index.js';
import type { ServerStatus } from './status/index.js';
import { applicableOps, opRuns } from './headers.js';
import type { AppendFile } from './append-file.js';
import { accessSinks, type AccessSink, type ErrorLog } from './logs.js';
import { buildReverseTable, type ReverseTable } from './reverse.js';
import { RouteTable } from './routes.js';
import { RewriteEngine } from './rewrite/index.js';
import { Worker } from './worker.js';

export interface Shared {
  readonly model: ProxyModel;
  readonly proxy: HttpProxy;
  readonly errorLog: ErrorLog;
  readonly balancers: ReadonlyMap<string, BalancerRuntime>;
  /** Member URLs per balancer name, for ProxyPassReverse. */
  memberUrls(name: string): readonly string[] | undefined;
  readonly logFiles: Map<string, AppendFile>;
  /** Open WebSocket tunnels: long-lived, so close() ends them rather than waiting. */
  readonly tunnels: Set<Duplex>;
  closing: boolean;
  /** `SetHandler balancer-manager` (src/runtime/manager); null when no balancer is defined. */
  manager?: BalancerManager | null;
  /** `SetHandler server-status` (src/runtime/status); absent when no <Location> asks for it. */
  status?: ServerStatus | null;
}

/**
 * The parameters of a worker no ProxyPass line defined (a RewriteRule [P] target, or a route of a model written
 * before routes carried their worker): the model's defaults for a direct, non-member worker of this server — one
 * definition of httpd's defaults (src/model/workers.ts), not a copy.
 */
export function defaultWorkerParams(server: Server, scheme: string): WorkerParams {
  return workerParams(new Map(), { serverTimeout: server.timeouts.timeout, proxyTimeout: server.timeouts.proxyTimeout, member: false, regexWithSubstitution: false, scheme });
}

/** `www.example.com` from `https://www.example.com:443`. */
export function bareServerName(name: string | null): string | null {
  if (!name) return null;
  let n = name.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  if (n.startsWith('[')) return n.slice(0, n.indexOf(']') + 1);
  const c = n.lastIndexOf(':');
  if (c >= 0) n = n.slice(0, c);
  return n;
}

export class ServerRuntime {
  readonly name: string;
  readonly routes: RouteTable;
  readonly reverse: ReverseTable;
  readonly requestOps: readonly HeaderOp[];
  readonly responseOps: readonly HeaderOp[];
  /**
   * The `Header` operations by the responses they run on (worked out once, not per response): every one on a
   * response that is not an error page apx made (proxied, a DocumentRoot file, a handler page), only the `always`
   * ones on apx's own error pages (mod_headers' err_headers_out table).
   */
  readonly successResponseOps: readonly HeaderOp[];
  readonly errorResponseOps: readonly HeaderOp[];
  readonly access: readonly AccessSink[];
  /** Direct workers per route index (null for balancer targets and exclusions). */
  readonly routeWorkers: readonly (Worker | null)[];
  /**
   * httpd's server_rec port (ap_get_server_port when the Host has none): the port of `ServerName host:port`; a
   * vhost without its own ServerName keeps its first address's port (vhost.c ap_parse_vhost_addrs), while a
   * ServerName without a port resets it to 0 (core.c server_hostname_port) — null here, the scheme's default.
   */
  readonly port: number | null;
  private readonly names: readonly string[];
  private readonly aliases: readonly RegExp[];
  /** `RewriteEngine On` with [P] rules (src/runtime/rewrite); null when the server has none. */
  readonly rewrite: RewriteEngine | null;
  private readonly workerPool: Map<string, Worker>;

  constructor(
    readonly server: Server | VirtualHost,
    readonly label: string,
    shared: Shared,
    workers: Map<string, Worker>,
    accessOverride: NodeJS.WritableStream | null | undefined,
    mainServerName: string | null = null,
  ) {
    this.name = bareServerName(server.serverName) ?? osHostname();
    this.port = serverPort(server, mainServerName);
    this.names = server.serverName ? [this.name.toLowerCase()] : [];
    this.aliases = server.serverAliases.map(wildcard);
    this.routes = new RouteTable(server.routes);
    this.rewrite = server.rewrites?.length ? new RewriteEngine(server.rewrites) : null;
    this.workerPool = workers;
    this.reverse = buildReverseTable(server.reverse);
    const req = applicableOps(server.headers.request);
    const res = applicableOps(server.headers.response);
    for (const op of [...req.skipped, ...res.skipped]) {
      shared.errorLog.log({
        module: 'headers',
        level: 'warn',
        message: `apx does not evaluate "${op.when ?? op.action}" conditions; ${op.condition === null ? 'RequestHeader' : 'Header'} ${op.action} ${op.header} is not applied (${label})`,
      });
    }
    this.requestOps = req.ops;
    this.responseOps = res.ops;
    this.successResponseOps = res.ops.filter((op) => opRuns(op, false));
    this.errorResponseOps = res.ops.filter((op) => opRuns(op, true));
    this.access = accessSinks(server.logs.access, accessOverride, shared.model.source.serverRoot, shared.logFiles, (e) => shared.errorLog.log(e));
    this.routeWorkers = server.routes.map((route) => {
      const t = route.target;
      if (route.exclude || !t || t.scheme === 'balancer') return null;
      // mod_proxy shares one worker among ProxyPass lines naming the same URL: the first one's parameters win.
      const key = t.url.toLowerCase();
      let w = workers.get(key);
      if (!w) {
        w = new Worker(t.url, t.scheme, route.worker ?? defaultWorkerParams(server, t.scheme), server.tls);
        workers.set(key, w);
      }
      return w;
    });
  }

  /**
   * The worker a RewriteRule [P] URL uses: mod_proxy's ap_proxy_get_worker finds a ProxyPass worker whose URL
   * prefixes it, else the default reverse-proxy worker; apx keeps one per scheme://host:port with this server's
   * defaults (pooled in the shared map, so close() ends its connections).
   */
  rewriteWorker(scheme: string, origin: string): Worker {
    const key = `rewrite:${scheme}://${origin}`.toLowerCase();
    let w = this.workerPool.get(key);
    if (!w) {
      w = new Worker(`${scheme}://${origin}`, scheme, defaultWorkerParams(this.server, scheme), this.server.tls);
      this.workerPool.set(key, w);
    }
    return w;
  }

  /** ServerName / ServerAlias match for name-based virtual hosting (vhost.c matches_aliases). */
  matches(host: string): boolean {
    if (this.names.includes(host)) return true;
    return this.aliases.some((re) => re.test(host));
  }
}

function serverPort(server: Server | VirtualHost, mainServerName: string | null): number | null {
  const named = server.serverName ? /:(\d+)$/.exec(server.serverName.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')) : null;
  if (named) return Number(named[1]);
  // The model carries the ServerName after inheritance: the main server's name means the vhost set none.
  const ownName = 'addresses' in server && server.serverName !== mainServerName;
  if ('addresses' in server && !ownName) return server.addresses.find((a) => a.port !== null)?.port ?? null;
  return null;
}

function wildcard(pattern: string): RegExp {
  const p = bareServerName(pattern) ?? pattern;
  const src = p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${src}$`, 'i');
}

export function buildBalancers(model: ProxyModel): Map<string, BalancerRuntime> {
  const out = new Map<string, BalancerRuntime>();
  for (const b of model.balancers) {
    out.set(
      b.name.toLowerCase(),
      // Balancers are global in the model; their members take the main server's SSLProxy* settings.
      new BalancerRuntime(b, (url, scheme, i) => new Worker(url, scheme, b.members[i]!.params, model.mainServer.tls)),
    );
  }
  return out;
}
