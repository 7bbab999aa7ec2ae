/**
 * A worker: httpd's name for one backend URL with its parameters and its shared state (modules/proxy/proxy_util.c).
 * A direct `ProxyPass` target is a worker, and so is every BalancerMember. The state is what the balancer and the
 * error handling read: in-error since when, busy connections, bytes each way, times elected.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { MemberStatus, Tls, WorkerParams } from '../model/types.js';
import { StartupError } from './startup-error.js';
import { proxyTlsOptions } from './tls-options.js';

/**
 * mod_ssl's proxy settings for https:// backends: `SSLProxyVerify none` (the default) checks nothing; `require`
 * verifies the chain against SSLProxyCACertificateFile (else the system CAs) and, unless
 * `SSLProxyCheckPeerName off`, the host name.
 */
function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new StartupError(`cannot read SSLProxyCACertificateFile ${file}: ${(err as Error).message}`, 'fix the path, or drop SSLProxyVerify require');
  }
}

export function backendTlsOptions(tls: Tls | null): { rejectUnauthorized: boolean; ca?: Buffer; checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined } {
  if (!tls || (tls.proxyVerify ?? 'none').toLowerCase() !== 'require') return { rejectUnauthorized: false };
  return {
    rejectUnauthorized: true,
    ...(tls.proxyCaCertificateFile ? { ca: readCa(tls.proxyCaCertificateFile) } : {}),
    ...(tls.proxyCheckPeerName === false ? { checkServerIdentity: () => undefined } : { checkServerIdentity }),
  };
}

/** `loadfactor=1.5` → 150, as httpd stores it (1–100 → 100–10000; anything else falls back to 100). */
export function lbfactorOf(loadFactor: number): number {
  const ival = Math.trunc(loadFactor * 100);
  return ival >= 100 && ival <= 10000 ? ival : 100;
}

export class Worker {
  readonly agent: HttpAgent;
  /** https backends: verify the certificate (SSLProxyVerify require). */
  readonly verifyTls: boolean;
  /**
   * The TLS options of this worker's backend connections (SSLProxyVerify/CACertificateFile/CheckPeerName,
   * SSLProxyProtocol/CipherSuite); null for plain backends. WebSocket tunnels, which bypass the pool, use them too.
   */
  readonly tlsOptions: Readonly<Record<string, unknown>> | null;
  /** Mutable copy of the model's status flags (the balancer-manager, later, edits these). */
  readonly status: MemberStatus;
  /** ms since epoch when the worker went into error. */
  errorTime = 0;
  retries = 0;
  busy = 0;
  elected = 0;
  /** Bytes sent to the backend (request bodies) and read from it (response bodies): bytraffic's measure. */
  transferred = 0;
  read = 0;
  /** byrequests/bybusyness running score. */
  lbstatus = 0;
  /**
   * httpd keeps `loadfactor` as an integer ×100 (proxy_util.c set_worker_param: `ival = fval * 100.0`, truncated),
   * so 1.5 is 150. byrequests only adds and compares these, so the picks are exactly httpd's, decimals included.
   * Mutable: the balancer-manager edits it (w_lf).
   */
  lbfactor: number;
  /** `lbset`, editable from the balancer-manager (w_ls). */
  lbset: number;
  /** `route=` and `redirect=`, editable from the balancer-manager (w_wr, w_rr); '' when none. */
  route: string;
  redirect: string;
  /** mod_proxy_hcheck's verdict (status flag C, "HcFl"): the member is out of rotation while set. */
  hcFailed = false;
  private readonly stopIdleSweep: (() => void) | null;

  constructor(
    /** The URL as written (BalancerMember URL, or the ProxyPass target). */
    readonly name: string,
    readonly scheme: string,
    readonly params: WorkerParams,
    tls: Tls | null = null,
  ) {
    this.status = { ...params.status };
    this.lbfactor = lbfactorOf(params.loadFactor);
    this.lbset = params.lbset;
    this.route = params.route ?? '';
    this.redirect = params.redirect ?? '';
    // mod_proxy keeps a connection pool per worker; `disablereuse=On` (and `keepalive`'s absence does not matter
    // for HTTP/1.1 reuse) closes each backend connection after one request.
    const keepAlive = !params.disableReuse;
    const secure = scheme === 'https' || scheme === 'wss';
    // SSLProxyProtocol / SSLProxyCipherSuite (src/runtime/tls-options.ts): the backend connection's range and ciphers.
    const proxyTls = secure ? proxyTlsOptions(tls) : null;
    if (proxyTls && !proxyTls.ok) throw new StartupError(proxyTls.problem.message, proxyTls.problem.hint);
    const tlsOpts = proxyTls ? { ...backendTlsOptions(tls), ...proxyTls.options } : { rejectUnauthorized: false };
    this.verifyTls = tlsOpts.rejectUnauthorized;
    this.tlsOptions = proxyTls ? tlsOpts : null;
    const opts = {
      keepAlive,
      maxSockets: params.max ?? Infinity,
      keepAliveMsecs: 1000,
      // `timeout=` (else ProxyTimeout/Timeout): every backend socket's inactivity limit, set once when it is made, so
      // a request reads its response under it without a timer of its own (the ClientRequest gets 'timeout';
      // forward.ts). Seconds; 0 is none.
      timeout: params.timeout * 1000,
      scheduling: 'lifo' as const,
    };
    this.agent = secure ? new HttpsAgent({ ...opts, ...tlsOpts }) : new HttpAgent(opts);
    if (opts.timeout > 0) readTimeoutOnceConnected(this.agent, opts.timeout, secure);
    // `ttl=`, else 4 s — shorter than common backends' idle timeouts (Node's 5 s), so a pooled connection is not
    // reused just as the backend closes it.
    this.stopIdleSweep = keepAlive ? closeIdle(this.agent, params.ttl ? params.ttl * 1000 : DEFAULT_IDLE_MS) : null;
  }

  /** PROXY_WORKER_IS_USABLE: not disabled, stopped, in error or failing its health check. */
  get usable(): boolean {
    return !this.status.disabled && !this.status.stopped && !this.status.inError && !this.hcFailed;
  }

  /** ap_proxy_retry_worker: an errored worker becomes usable again once `retry` seconds have passed. */
  tryRecover(now: number): void {
    if (this.status.inError && now > this.errorTime + this.params.retry * 1000) {
      this.status.inError = false;
      this.retries++;
    }
  }

  /** A connect failure puts the worker in error for `retry` seconds, unless it has status `I` (ignore errors). */
  markError(now: number): boolean {
    if (this.status.ignoreErrors) return false;
    this.status.inError = true;
    this.errorTime = now;
    return true;
  }

  /** `host:port` for log lines. */
  get label(): string {
    return this.name;
  }

  destroy(): void {
    this.stopIdleSweep?.();
    this.agent.destroy();
  }
}

/**
 * The agent's socket timeout is the read timeout, so it must not run while the connection is being made (only
 * `connectiontimeout` does, forward.ts): each new socket is created without it and gets it once connected. The
 * agent's `timeout` option stays set, so a socket returned to the pool keeps it and a request on it is told of it.
 */
function readTimeoutOnceConnected(agent: HttpAgent, ms: number, secure: boolean): void {
  type Create = (options: Record<string, unknown>, cb?: (err: Error | null, s?: Duplex) => void) => Duplex | undefined;
  const a = agent as unknown as { createConnection: Create };
  const make = a.createConnection.bind(agent);
  a.createConnection = (options, cb) => {
    const s = make({ ...options, timeout: 0 }, cb);
    s?.once(secure ? 'secureConnect' : 'connect', () => (s as Duplex & { setTimeout(ms: number): void }).setTimeout(ms));
    return s;
  };
}

/** How long a pooled backend connection may stay idle without `ttl=`. */
export const DEFAULT_IDLE_MS = 4000;
const IDLE_SINCE = Symbol('apx.idleSince');

/**
 * Close `agent`'s pooled connections once idle for `idleMs` (mod_proxy's `ttl`: "a connection will not be used
 * again; it will be closed at some later time"). A sweep runs every quarter of it (at most every second) and closes
 * those freed `idleMs` worth of sweeps ago or more, so none is reused after `idleMs` and none lives past it by more
 * than a sweep.
 * A coarse tick instead of a timer per connection: returning a connection to the pool costs one property write.
 * Returns the function that stops the sweep.
 */
export function closeIdle(agent: HttpAgent, idleMs: number): () => void {
  const periodMs = Math.max(1, Math.min(1000, Math.floor(idleMs / 4)));
  const ticks = Math.max(1, Math.round(idleMs / periodMs));
  let tick = 0;
  type Pooled = import('node:net').Socket & { [IDLE_SINCE]?: number };
  // After the agent's own 'free' listener (registered by its constructor), which pools the socket or closes it.
  agent.on('free', (socket: Pooled) => {
    socket[IDLE_SINCE] = tick;
  });
  const timer = setInterval(() => {
    tick++;
    for (const list of Object.values(agent.freeSockets)) {
      for (const s of [...(list ?? [])] as Pooled[]) if (tick - (s[IDLE_SINCE] ?? tick) >= ticks) s.destroy();
    }
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}

