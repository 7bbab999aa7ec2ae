/**
 * Generations of the runtime, for graceful reload (httpd's `apachectl graceful`): everything built from one model
 * — error log, balancers, health checks, balancer-manager, per-server tables, workers, the request handler and a
 * ListenerContext per socket — is one Generation. The listening sockets outlive generations: a connection is
 * served by the generation current when its first request arrived, so requests in flight (and WebSocket tunnels)
 * finish on the config they started with, while new connections get the new one. An old generation answers its
 * remaining keep-alive requests with `Connection: close` (as an old httpd child does) and is retired — workers,
 * health checks and log files closed — when its last connection closes.
 */
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';
import type { ProxyModel } from '../model/types.js';
import { buildBalancers, ServerRuntime, type Shared } from './context.js';
import { RequestHandler } from './handler.js';
import type { ListenerContext } from './select.js';
import { HealthChecker } from './hcheck/index.js';
import type { PlannedSocket } from './listeners.js';
import { ErrorLog } from './logs.js';
import { BalancerManager } from './manager/index.js';
import type { ServerStatus } from './status/index.js';
import type { Worker } from './worker.js';

export interface GenerationOptions {
  readonly accessLog?: NodeJS.WritableStream | null;
  readonly errorLog?: NodeJS.WritableStream;
}

export class Generation {
  /** Client connections this generation serves. */
  readonly sockets = new Set<Duplex>();
  /** Resolves once retired. */
  readonly done: Promise<void>;
  private markDone: () => void = () => {};
  private retired: Promise<void> | null = null;
  private health: HealthChecker | null = null;

  private constructor(
    readonly model: ProxyModel,
    readonly shared: Shared,
    readonly handler: RequestHandler,
    /** One per planned socket, in plan order. */
    readonly contexts: readonly ListenerContext[],
    private readonly workers: Map<string, Worker>,
  ) {
    this.done = new Promise((resolve) => {
      this.markDone = resolve;
    });
  }

  /**
   * Build a generation for `plan` (the sockets, already decided). `status` carries the server-status board across
   * reloads. Throws (StartupError and friends) with nothing left open.
   */
  static build(model: ProxyModel, plan: readonly PlannedSocket[], options: GenerationOptions, status: ServerStatus | null, scheme: (i: number) => 'http' | 'https'): Generation {
    const errorLog = new ErrorLog(options.errorLog ?? process.stderr, model.mainServer.logs.logLevel);
    const proxy = httpProxy.createProxyServer({});
    // Errors reach the per-request callback; this listener only keeps a stray one from crashing the process.
    proxy.on('error', () => {});
    const balancers = buildBalancers(model);
    const shared: Shared = {
      model,
      proxy,
      errorLog,
      balancers,
      memberUrls: (name) => balancers.get(name)?.members.map((m) => m.name),
      logFiles: new Map(),
      tunnels: new Set(),
      closing: false,
      status,
    };
    if (model.mainServer.forwardProxy || model.virtualHosts.some((v) => v.forwardProxy)) {
      errorLog.log({ module: 'proxy', level: 'warn', message: 'ProxyRequests On is not supported: apx never acts as a forward (open) proxy; requests are routed by ProxyPass only' });
    }
    // mod_proxy_hcheck: probes run on unref'd timers from start() until retire().
    const health = new HealthChecker(model, balancers, (e) =>
      errorLog.log({
        module: 'proxy_hcheck',
        level: e.healthy ? 'info' : 'warn',
        message: e.healthy ? `AH03251: balancer://${e.balancer.name} ${e.worker.name} passes its health check again (${e.detail}): back in rotation` : `AH03250: balancer://${e.balancer.name} ${e.worker.name} fails its health check (${e.detail}): out of rotation`,
      }),
    );
    // SetHandler balancer-manager: one manager over every balancer (httpd: BalancerInherit On, the default).
    const handlers = [model.mainServer, ...model.virtualHosts].flatMap((s) => s.handlers.filter((h) => h.handler === 'balancer-manager'));
    if (handlers.length) {
      shared.manager = new BalancerManager(balancers, model, health.active ? health : null);
      for (const h of handlers) for (const w of shared.manager.policy(h, `<Location ${h.path}>`).warnings) errorLog.log({ module: 'authz_core', level: 'warn', message: w });
    }
    const workers = new Map<string, Worker>();
    let contexts: ListenerContext[];
    try {
      // Built inside the try: a route that cannot be compiled must not leave log files open.
      const main = new ServerRuntime(model.mainServer, 'main server', shared, workers, options.accessLog);
      const vhosts = model.virtualHosts.map((v) => new ServerRuntime(v, v.id, shared, workers, options.accessLog, model.mainServer.serverName));
      contexts = plan.map((sock, i): ListenerContext => ({ candidates: sock.virtualHosts.map((v) => vhosts[v]!), main, scheme: scheme(i), servesPort: sock.servesPorts[0]! }));
    } catch (err) {
      void closeParts(shared, workers, null);
      throw err;
    }
    const gen = new Generation(model, shared, new RequestHandler(shared), contexts, workers);
    gen.health = health;
    return gen;
  }

  start(): void {
    this.health?.start();
  }

  /** Attach a client connection (at its first request). */
  adopt(socket: Duplex): void {
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      if (this.shared.closing && this.sockets.size === 0) void this.retire();
    });
  }

  /** Stop taking new connections: remaining keep-alive requests get `Connection: close`; retire when idle. */
  drain(): void {
    this.shared.closing = true;
    if (this.sockets.size === 0) void this.retire();
  }

  /** Close what this generation opened (workers, balancers, health checks, log files). */
  /** For close(): every response from now says `Connection: close`; health checks and WebSocket tunnels stop. */
  quiesce(): void {
    this.shared.closing = true;
    this.health?.stop();
    for (const t of this.shared.tunnels) t.destroy();
  }

  retire(): Promise<void> {
    this.shared.closing = true;
    return (this.retired ??= closeParts(this.shared, this.workers, this.health).then(() => this.markDone()));
  }
}

async function closeParts(shared: Shared, workers: Map<string, Worker>, health: HealthChecker | null): Promise<void> {
  health?.stop();
  for (const t of shared.tunnels) t.destroy();
  shared.proxy.close();
  for (const w of workers.values()) w.destroy();
  for (const b of shared.balancers.values()) b.destroy();
  await Promise.all([...shared.logFiles.values()].map((f) => new Promise<void>((resolve) => f.end(() => resolve()))));
}

/** Whether a new plan binds exactly the sockets of the running one (a reload cannot move listeners). */
export function samePlan(a: readonly PlannedSocket[], b: readonly PlannedSocket[]): boolean {
  const key = (p: PlannedSocket): string => `${p.host ?? '*'}:${p.port}:${p.protocol ?? ''}:${p.servesPorts.join(',')}`;
  return a.length === b.length && a.every((p, i) => key(p) === key(b[i]!));
}
