/** Hand-built ProxyModels for the serve/demo CLI tests: only the fields those tests read are meaningful. */
import type { BalancerMember, ProxyModel, Route, Server, Target, VirtualHost, WorkerParams } from '../../src/model/types.js';

export function target(url: string): Target {
  const m = /^([a-z+]+):\/\/([^/:]+)(?::(\d+))?(.*)$/.exec(url)!;
  const scheme = m[1]!;
  const balancer = scheme === 'balancer' ? m[2]! : null;
  return {
    url,
    scheme,
    host: m[2]!,
    port: balancer ? null : m[3] ? Number(m[3]) : scheme === 'https' ? 443 : 80,
    path: m[4]!,
    balancer,
    unixSocket: null,
  };
}

export const WORKER: WorkerParams = {
  retry: 60, timeout: 60, connectionTimeout: 60, keepalive: false, disableReuse: false, max: null, min: null, smax: null, ttl: null,
  loadFactor: 1, lbset: 0, ping: 0, route: null, redirect: null,
  status: { disabled: false, stopped: false, ignoreErrors: false, hotStandby: false, hotSpare: false, inError: false, drain: false },
  upgrade: null, other: {},
};

export function route(path: string, url: string | null): Route {
  return {
    match: { kind: 'prefix', path },
    exclude: url === null,
    target: url === null ? null : target(url),
    origin: { directive: 'ProxyPass', location: null, locationIsRegex: false, inherited: false },
    flags: { nocanon: false, noquery: false, interpolate: false, mapping: null },
    worker: url === null || url.startsWith('balancer:') ? null : WORKER,
    span: null,
  };
}

export function server(over: Partial<Server> = {}): Server {
  return {
    serverName: null, serverAliases: [], documentRoot: null, routes: [], reverse: [],
    headers: { preserveHost: false, addHeaders: true, via: 'off', request: [], response: [] },
    timeouts: { timeout: 60, proxyTimeout: null }, tls: null, forwardProxy: false, allowEncodedSlashes: 'off',
    handlers: [], logs: { errorLog: null, logLevel: null, access: [] }, rewrites: [], limits: { requestLine: 8190, fieldSize: 8190, fields: 100 }, span: null,
    ...over,
  };
}

export function vhost(index: number, addr: string, over: Partial<Server> = {}, nameBased = false): VirtualHost {
  const [host, port] = addr.split(':');
  return {
    ...server(over),
    id: `vhost-${index}`,
    addresses: [{ host: host === '*' ? null : host!, port: port === '*' ? null : Number(port), isDefault: false }],
    nameBased,
  };
}

export function member(url: string): BalancerMember {
  return { url, target: target(url), params: WORKER, span: null };
}

/** The tutorial's balancer vhost as the compiler would lower it. */
export function balancerModel(): ProxyModel {
  const v = vhost(0, '*:80', {
    routes: [route('/', 'balancer://mycluster/')],
    reverse: [{ kind: 'url', path: '/', url: 'balancer://mycluster/', interpolate: false, location: null, span: null }],
    headers: { preserveHost: true, addHeaders: true, via: 'off', request: [], response: [] },
  });
  return {
    format: 'apx-model', version: 1,
    source: { entry: '000-default.balancer.conf', mode: 'lone-file', serverRoot: null, modules: [], assumptions: [] },
    listeners: [{ host: null, port: 80, protocol: null, virtualHosts: [0], span: null }],
    mainServer: server(),
    virtualHosts: [v],
    balancers: [{
      name: 'mycluster', url: 'balancer://mycluster', members: [member('http://127.0.0.1:8080/'), member('http://127.0.0.1:8081/')],
      lbmethod: 'byrequests', stickySession: null, stickySessionSep: '.', scolonPathDelim: false, noFailover: false, timeout: 0,
      maxAttempts: null, failOnStatus: [], failOnTimeout: false, forceRecovery: true, growth: 0, span: null,
    }],
    logFormats: [],
    unsupported: [],
  };
}
