/**
 * The servers bench/serve.ts measures, for each scenario, all on the tutorial's balancer config
 * (samples/000-default.balancer.conf):
 *
 * - `http`: the sample as it is;
 * - `https`: the same vhost with `SSLEngine on` and a self-signed certificate (TLS ends at the proxy, the
 *   backends stay plain HTTP);
 * - `ws`: the sample plus `ProxyPass /ws/ ws://…/ws/` (before `ProxyPass /`, so it wins) to a WebSocket echo
 *   backend (bench/lib/ws-echo.ts).
 *
 * Apache gets the Apache config (Debian's profile: mpm_event defaults, each module's Debian .conf — ssl.conf's
 * session cache and ciphers included), apx the same file, nginx what an nginx admin writes for the same thing.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServerRoot, startApache, type RunningApache } from '../../test/support/apache.js';
import { freePort, waitForPort } from '../../test/support/ports.js';
import { spawnServer, stopChild, waitUp } from './procs.js';
import type { CertPair } from './tls-certs.js';

export const HOST = '127.0.0.1';
const NGINX = '/usr/sbin/nginx';
const SAMPLE = fileURLToPath(new URL('../../../samples/000-default.balancer.conf', import.meta.url));
const APX_BIN = fileURLToPath(new URL('../../../bin/apx.js', import.meta.url));
const WS_ECHO = fileURLToPath(new URL('./ws-echo.js', import.meta.url));
const NODE_FLOOR = fileURLToPath(new URL('./node-floor.js', import.meta.url));

export type Scenario = 'http' | 'https' | 'ws';
export const ALL_SCENARIOS: readonly Scenario[] = ['http', 'https', 'ws'];
export type TargetName = 'backend' | 'apache' | 'nginx' | 'apx' | 'base' | 'node';
export const ALL_TARGETS: readonly TargetName[] = ['backend', 'apache', 'nginx', 'apx', 'base', 'node'];
/** What runs without --only: the floor (`node`) is asked for by name, for the analysis in docs/performance.md. */
export const DEFAULT_TARGETS: readonly TargetName[] = ['backend', 'apache', 'nginx', 'apx'];

/** The path the WebSocket clients ask for, on every server. */
export const WS_PATH = '/ws/echo';

export interface Server {
  readonly name: TargetName;
  readonly label: string;
  /** What the load generator is pointed at: http(s)://…/ or ws://…/ws/echo. */
  readonly url: string;
  /** The process whose tree is measured (0: none). */
  readonly pid: number;
  stop(): Promise<void>;
}

export interface Backends {
  /** The two balancer members (one nginx). */
  readonly http: readonly [number, number];
  /** The WebSocket echo backend's port, when started. */
  readonly ws: number | null;
  readonly wsPid: number;
  /** The backend nginx's master pid (read from its pid file). */
  nginxPid(): number;
  stop(): Promise<void>;
}

export interface BackendOptions {
  /** Start the echo backend too, with this many processes. */
  readonly echoWorkers: number | null;
}

export async function startBackends(dir: string, o: BackendOptions): Promise<Backends> {
  const [a, b] = [await freePort(), await freePort()];
  const conf = join(dir, 'backend-nginx.conf');
  // backlog=4096: a proxy opening hundreds of backend connections at once must not meet a full accept queue (SYNs
  // dropped and retried after 1 s, 3 s) — that measures the backend's listen queue, not the proxy.
  writeFileSync(
    conf,
    `worker_processes 1;
pid ${dir}/backend-nginx.pid;
error_log ${dir}/backend-nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  server { listen ${HOST}:${a} backlog=4096; location / { default_type "text/html; charset=utf-8"; return 200 "Hello world!"; } }
  server { listen ${HOST}:${b} backlog=4096; location / { default_type "text/html; charset=utf-8"; return 200 "Howdy world!"; } }
}
`,
  );
  const nginx = spawnServer(NGINX, ['-p', dir, '-e', `${dir}/backend-nginx-error.log`, '-c', conf, '-g', 'daemon off;'], join(dir, 'backend-nginx.out'));
  await waitUp(nginx, a, 'backend nginx');
  await waitForPort(b, 5_000);
  let ws: number | null = null;
  let echo: ReturnType<typeof spawnServer> | null = null;
  if (o.echoWorkers !== null) {
    ws = await freePort();
    echo = spawnServer(process.execPath, [WS_ECHO, String(ws), '--host', HOST, '--workers', String(o.echoWorkers)], join(dir, 'ws-echo.out'));
    try {
      await waitUp(echo, ws, 'WebSocket echo backend');
    } catch (err) {
      await stopChild(nginx);
      throw err;
    }
  }
  return {
    http: [a, b],
    ws,
    wsPid: echo?.pid ?? 0,
    nginxPid: () => {
      try {
        return Number(readFileSync(join(dir, 'backend-nginx.pid'), 'utf8').trim());
      } catch {
        return 0;
      }
    },
    stop: async () => {
      if (echo) await stopChild(echo);
      await stopChild(nginx);
    },
  };
}

/** The tutorial's sample for `scenario`, members on our backends, its vhost on `vhostPort`. */
export function apacheConfig(scenario: Scenario, b: Backends, vhostPort: string, certs: CertPair | null): string {
  const replace = (text: string, from: string, to: string): string => {
    if (!text.includes(from)) throw new Error(`${SAMPLE} no longer contains ${JSON.stringify(from)}; update bench/lib/serve-targets.ts`);
    return text.replace(from, to);
  };
  let text = readFileSync(SAMPLE, 'utf8');
  text = replace(text, '127.0.0.1:8080', `${HOST}:${b.http[0]}`);
  text = replace(text, '127.0.0.1:8081', `${HOST}:${b.http[1]}`);
  text = replace(text, '<VirtualHost *:80>', `<VirtualHost *:${vhostPort}>`);
  if (scenario === 'https') {
    if (!certs) throw new Error('the https scenario needs a certificate');
    text = replace(
      text,
      '    ProxyPreserveHost On',
      `    SSLEngine on\n    SSLCertificateFile ${certs.certFile}\n    SSLCertificateKeyFile ${certs.keyFile}\n\n    ProxyPreserveHost On`,
    );
  }
  if (scenario === 'ws') {
    if (b.ws === null) throw new Error('the ws scenario needs the echo backend');
    text = replace(text, '    ProxyPass / balancer://mycluster/', `    ProxyPass /ws/ ws://${HOST}:${b.ws}/ws/\n    ProxyPass / balancer://mycluster/`);
  }
  return text;
}

const APACHE_MODULES: Record<Scenario, string[]> = {
  http: ['proxy_http', 'proxy_balancer', 'lbmethod_byrequests'],
  https: ['ssl', 'proxy_http', 'proxy_balancer', 'lbmethod_byrequests'],
  // Since 2.4.47 mod_proxy_http tunnels ws:// itself; mod_proxy_wstunnel is what the tutorials (and a2enmod
  // users) load for `ProxyPass … ws://`, and it hands over to mod_proxy_http (ProxyWebsocketFallbackToProxyHttp).
  ws: ['proxy_http', 'proxy_wstunnel', 'proxy_balancer', 'lbmethod_byrequests'],
};

export async function startApacheProxy(scenario: Scenario, b: Backends, certs: CertPair | null): Promise<Server> {
  // Debian's profile: apache2.conf settings, mpm_event.conf (StartServers 2, ThreadsPerChild 25,
  // MaxRequestWorkers 150), KeepAlive On with MaxKeepAliveRequests 100, ssl.conf, and a combined access log.
  const root = await createServerRoot({ profile: 'debian', modules: APACHE_MODULES[scenario], config: apacheConfig(scenario, b, '{{PORT}}', certs) });
  const httpd: RunningApache = await startApache(root);
  return { name: 'apache', label: 'Apache 2.4 mpm_event', url: targetUrl(scenario, httpd.port), pid: httpd.pid, stop: () => httpd.stop() };
}

function targetUrl(scenario: Scenario, port: number): string {
  return scenario === 'ws' ? `ws://${HOST}:${port}${WS_PATH}` : `${scenario}://${HOST}:${port}/`;
}

export async function startNginxProxy(scenario: Scenario, dir: string, b: Backends, certs: CertPair | null): Promise<Server> {
  const port = await freePort();
  const conf = join(dir, `proxy-nginx-${scenario}.conf`);
  // What an nginx admin writes for the same balancer: round robin, upstream keep-alive, access log on; for TLS the
  // usual shared session cache; for WebSockets the documented Upgrade/Connection pass-through.
  const tls =
    scenario === 'https'
      ? `    ssl_certificate ${certs!.certFile};\n    ssl_certificate_key ${certs!.keyFile};\n    ssl_session_cache shared:SSL:10m;\n`
      : '';
  const ws =
    scenario === 'ws'
      ? `    location /ws/ {
      proxy_pass http://${HOST}:${b.ws}/ws/;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header Host $host;
      proxy_read_timeout 1h;
    }
`
      : '';
  writeFileSync(
    conf,
    `worker_processes auto;
pid ${dir}/proxy-nginx-${scenario}.pid;
error_log ${dir}/proxy-nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log ${dir}/proxy-nginx-access.log combined;
  upstream mycluster { server ${HOST}:${b.http[0]}; server ${HOST}:${b.http[1]}; keepalive 64; }
  server {
    listen ${HOST}:${port}${scenario === 'https' ? ' ssl' : ''};
${tls}${ws}    location / {
      proxy_pass http://mycluster;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`,
  );
  const child = spawnServer(NGINX, ['-p', dir, '-e', `${dir}/proxy-nginx-error.log`, '-c', conf, '-g', 'daemon off;'], join(dir, `proxy-nginx-${scenario}.out`));
  await waitUp(child, port, 'nginx proxy');
  return { name: 'nginx', label: 'nginx (reference)', url: targetUrl(scenario, port), pid: child.pid!, stop: () => stopChild(child) };
}

/**
 * `extra`: apx serve flags (`--workers 1`); `nodeArgs`: Node flags for apx's processes (`--cpu-prof …`; cluster
 * workers inherit them); `base`: another checkout's bin/apx.js, run as the `base` target (--compare-apx), so two
 * builds are measured in the same run.
 */
export async function startApx(
  scenario: Scenario,
  dir: string,
  b: Backends,
  certs: CertPair | null,
  extra: readonly string[],
  nodeArgs: readonly string[] = [],
  base: string | null = null,
): Promise<Server> {
  const port = await freePort();
  const name = base ? 'base' : 'apx';
  const file = join(dir, `000-default.balancer.${scenario}.conf`);
  writeFileSync(file, apacheConfig(scenario, b, '80', certs));
  const args = [...nodeArgs, base ?? APX_BIN, 'serve', file, '--listen', `${HOST}:${port}`, '--access-log', join(dir, `${name}-access-${scenario}.log`), ...extra];
  const child = await startNodeServer(args, join(dir, `${name}-${scenario}.out`), port, 'apx serve');
  const label = `apx serve${base ? ' (base build)' : ''}${extra.length ? ` ${extra.join(' ')}` : ''}`;
  return { name, label, url: targetUrl(scenario, port), pid: child.pid!, stop: () => stopChild(child) };
}

/** A Node server process, once it listens on `port`; if it never does, it is stopped and its last output lines told. */
async function startNodeServer(args: readonly string[], outFile: string, port: number, what: string): Promise<ChildProcess> {
  const child = spawnServer(process.execPath, args, outFile);
  try {
    await waitUp(child, port, what);
  } catch (err) {
    await stopChild(child);
    await sleep(100);
    let out = '';
    try {
      out = readFileSync(outFile, 'utf8').trim().split('\n').slice(-3).join(' / ');
    } catch {
      /* none */
    }
    throw new Error(`${err instanceof Error ? err.message : String(err)}${out ? `: ${out}` : ''}`);
  }
  return child;
}

/** The Node.js floor (bench/lib/node-floor.ts) in front of the same two members; not a WebSocket proxy. */
export async function startNodeFloor(scenario: Scenario, dir: string, b: Backends, certs: CertPair | null): Promise<Server | string> {
  if (scenario === 'ws') return 'not measured: the Node floor forwards HTTP only';
  const port = await freePort();
  const tls = scenario === 'https' && certs ? [certs.certFile, certs.keyFile] : [];
  const child = await startNodeServer([NODE_FLOOR, String(port), b.http.join(','), ...tls], join(dir, `node-floor-${scenario}.out`), port, 'the Node floor');
  return { name: 'node', label: 'Node floor (node:http proxy)', url: targetUrl(scenario, port), pid: child.pid!, stop: () => stopChild(child) };
}

/** The backend alone, for scale: the HTTP members (plain HTTP), or the WebSocket echo server. */
export function backendAlone(scenario: Scenario, b: Backends): Server | string {
  if (scenario === 'https') return 'not measured: the backends speak plain HTTP (see the http table)';
  if (scenario === 'ws') return { name: 'backend', label: 'backend alone (ws echo)', url: `ws://${HOST}:${b.ws}${WS_PATH}`, pid: b.wsPid, stop: async () => {} };
  return { name: 'backend', label: 'backend alone (nginx)', url: `http://${HOST}:${b.http[0]}/`, pid: 0, stop: async () => {} };
}
