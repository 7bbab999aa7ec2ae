/**
 * A small builder for ProxyModel objects in runtime tests (until src/model compile() exists, and afterwards to
 * keep runtime tests independent of the front end). Defaults are httpd's (mod_proxy.c, core.c).
 */
import { MODEL_FORMAT, MODEL_VERSION } from '../../src/model/types.js';
import type {
  AccessLog,
  Balancer,
  BalancerMember,
  HeaderBehaviour,
  HeaderOp,
  Listener,
  ProxyModel,
  ReverseRule,
  Route,
  RouteFlags,
  Server,
  Target,
  Tls,
  VirtualHost,
  WorkerParams,
} from '../../src/model/types.js';
import { startProxy, type RunningProxy, type ServeOptions } from '../../src/runtime/index.js';

export function target(url: string): Target {
  const m = /^([a-z0-9+.-]+):\/\/([^/]*)(.*)$/i.exec(url);
  if (!m) throw new Error(`fixture: bad target ${url}`);
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'balancer') return { url, scheme, host: m[2]!, port: null, path: m[3]!, balancer: m[2]!, unixSocket: null };
  const hp = /^(.*?)(?::(\d+))?$/.exec(m[2]!)!;
  const port = hp[2] ? Number(hp[2]) : scheme === 'https' ? 443 : 80;
  return { url, scheme, host: hp[1]!, port, path: m[3]!, balancer: null, unixSocket: null };
}

export function workerParams(over: Partial<WorkerParams> = {}, status: Partial<WorkerParams['status']> = {}): WorkerParams {
  return {
    retry: 60,
    timeout: 60,
    connectionTimeout: 60,
    keepalive: false,
    disableReuse: false,
    max: null,
    min: null,
    smax: null,
    ttl: null,
    loadFactor: 1,
    lbset: 0,
    ping: 0,
    route: null,
    redirect: null,
    upgrade: null,
    other: {},
    ...over,
    status: { disabled: false, stopped: false, ignoreErrors: false, hotStandby: false, hotSpare: false, inError: false, drain: false, ...status },
  };
}

export interface RouteOptions {
  flags?: Partial<RouteFlags>;
  worker?: Partial<WorkerParams>;
  regex?: boolean;
  caseInsensitive?: boolean;
  location?: string | null;
}

/** `route('/app', 'http://b/')`, `route('^/x/(.*)$', 'http://b/$1', { regex: true })`, `route('/p', '!')`. */
export function route(path: string, url: string, opts: RouteOptions = {}): Route {
  const exclude = url === '!';
  const t = exclude ? null : target(url);
  return {
    match: opts.regex ? { kind: 'regex', pattern: path, caseInsensitive: opts.caseInsensitive ?? false } : { kind: 'prefix', path },
    exclude,
    target: t,
    origin: { directive: opts.regex ? 'ProxyPassMatch' : 'ProxyPass', location: opts.location ?? null, locationIsRegex: false, inherited: false },
    flags: { nocanon: false, noquery: false, interpolate: false, mapping: null, ...opts.flags },
    worker: t && t.scheme !== 'balancer' ? workerParams(opts.worker) : null,
    span: null,
  };
}

export function reverse(path: string, url: string): ReverseRule {
  return { kind: 'url', path, url, interpolate: false, location: null, span: null };
}

export function headerOp(action: HeaderOp['action'], header: string, value: string | null = null, over: Partial<HeaderOp> = {}): HeaderOp {
  return { action, condition: null, header, value, replacement: null, when: null, span: null, ...over };
}

export function server(over: Partial<Omit<Server, 'headers'>> & { headers?: Partial<HeaderBehaviour> } = {}): Server {
  const { headers, ...rest } = over;
  return {
    serverName: 'www.example.com',
    serverAliases: [],
    documentRoot: null,
    routes: [],
    reverse: [],
    timeouts: { timeout: 60, proxyTimeout: null },
    tls: null,
    forwardProxy: false,
    allowEncodedSlashes: 'off',
    handlers: [],
    logs: { errorLog: null, logLevel: null, access: [] },
    rewrites: [],
    limits: { requestLine: 8190, fieldSize: 8190, fields: 100 },
    span: null,
    ...rest,
    headers: { preserveHost: false, addHeaders: true, via: 'off', request: [], response: [], ...headers },
  };
}

export function vhost(index: number, over: Parameters<typeof server>[0] & { addresses?: VirtualHost['addresses']; nameBased?: boolean } = {}): VirtualHost {
  const { addresses, nameBased, ...rest } = over;
  return { ...server(rest), id: `vhost-${index}`, addresses: addresses ?? [{ host: null, port: 80, isDefault: false }], nameBased: nameBased ?? false };
}

export function balancer(name: string, members: (string | [string, Partial<WorkerParams>, Partial<WorkerParams['status']>?])[], over: Partial<Balancer> = {}): Balancer {
  const ms: BalancerMember[] = members.map((m) => {
    const [url, params, status] = typeof m === 'string' ? [m, {}, {}] : m;
    return { url, target: target(url), params: workerParams(params, status ?? {}), span: null };
  });
  return {
    name,
    url: `balancer://${name}`,
    members: ms,
    lbmethod: 'byrequests',
    stickySession: null,
    stickySessionSep: '.',
    scolonPathDelim: false,
    noFailover: false,
    timeout: 0,
    maxAttempts: null,
    failOnStatus: [],
    failOnTimeout: false,
    forceRecovery: true,
    growth: 0,
    span: null,
    ...over,
  };
}

/** A server's TLS settings: SSLEngine on with certificate files, everything else unset. */
export function tlsSettings(over: Partial<Tls> = {}): Tls {
  return {
    engine: true,
    certificateFile: '/c.pem',
    certificateKeyFile: '/k.pem',
    certificateChainFile: null,
    protocol: null,
    cipherSuite: null,
    proxyEngine: false,
    proxyVerify: null,
    proxyCaCertificateFile: null,
    proxyCheckPeerName: null,
    ...over,
  };
}

export function accessLog(format: string, target = '/dev/null'): AccessLog {
  return { target, format, formatName: null, condition: null, span: null };
}

export interface ModelParts {
  mainServer?: Server;
  virtualHosts?: VirtualHost[];
  balancers?: Balancer[];
  listeners?: Listener[];
}

export function model(parts: ModelParts = {}): ProxyModel {
  const virtualHosts = parts.virtualHosts ?? [];
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    source: { entry: 'test.conf', mode: 'tree', serverRoot: null, modules: ['proxy', 'proxy_http', 'proxy_balancer', 'lbmethod_byrequests'], assumptions: [] },
    listeners: parts.listeners ?? [{ host: null, port: 80, protocol: null, virtualHosts: virtualHosts.map((_, i) => i), span: null }],
    mainServer: parts.mainServer ?? server(),
    virtualHosts,
    balancers: parts.balancers ?? [],
    logFormats: [],
    unsupported: [],
  };
}

/** A writable that keeps what was written, for error/access log assertions. */
export class Capture {
  text = '';
  write(chunk: string | Uint8Array): boolean {
    this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }
  lines(): string[] {
    return this.text.split('\n').filter(Boolean);
  }
}

export interface Started {
  proxy: RunningProxy;
  url: string;
  errors: Capture;
  access: Capture;
}

const running: RunningProxy[] = [];

/** Start the proxy on 127.0.0.1:<free port> with log captures. */
export async function serve(m: ProxyModel, opts: ServeOptions = {}): Promise<Started> {
  const errors = new Capture();
  const access = new Capture();
  const proxy = await startProxy(m, {
    listen: [{ port: null, host: '127.0.0.1', listenPort: 0 }],
    errorLog: errors as unknown as NodeJS.WritableStream,
    accessLog: access as unknown as NodeJS.WritableStream,
    ...opts,
  });
  running.push(proxy);
  return { proxy, url: proxy.addresses[0]!.url, errors, access };
}

export async function closeAll(): Promise<void> {
  await Promise.all(running.splice(0).map((p) => p.close()));
}

