/**
 * The demo's two application servers: the classic tutorial runs two Flask apps, `return 'Hello world!'` and
 * `return 'Howdy world!'`, on 127.0.0.1:8080 and :8081. These answer the way such an app does — its route `/`
 * gives the text as `text/html; charset=utf-8`, any other path Flask's 404 page, methods other than
 * GET/HEAD/OPTIONS 405 — so what a visitor sees through the proxy is what the tutorial shows.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export const DEMO_HOST = '127.0.0.1';

export interface DemoBackendSpec {
  /** The answer on `/`: "Hello world!". */
  readonly text: string;
  /** The port the tutorial gives it; another free one is taken when this one is busy. 0 = any. */
  readonly preferredPort: number;
}

export interface DemoBackend {
  readonly text: string;
  readonly preferredPort: number;
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:8080/` */
  readonly url: string;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

/** The tutorial's pair: "Hello world!" on 8080, "Howdy world!" on 8081. */
export const TUTORIAL_BACKENDS: readonly DemoBackendSpec[] = [
  { text: 'Hello world!', preferredPort: 8080 },
  { text: 'Howdy world!', preferredPort: 8081 },
];

// Werkzeug's NotFound page, so a wrong path looks like it does behind the real tutorial.
const NOT_FOUND =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
  '<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';
const NOT_ALLOWED =
  '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n' +
  '<p>The method is not allowed for the requested URL.</p>\n';

/**
 * The app's one route. `//` counts as `/`: the tutorial writes its members with a trailing slash
 * (`BalancerMember http://127.0.0.1:8080/`) and mod_proxy_balancer appends the rest of the path after
 * `balancer://mycluster` — itself starting with `/` — so Apache asks the member for `//` (checked on Apache 2.4.71,
 * test/differential/serve.test.ts). The Flask servers of the tutorial's era answered it as `/`.
 */
function isRoot(path: string): boolean {
  return /^\/+$/.test(path);
}

function answer(text: string, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0]!;
  let status = 200;
  let body = text;
  const headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8' };
  if (!isRoot(path)) {
    status = 404;
    body = NOT_FOUND;
  } else if (req.method === 'OPTIONS') {
    body = '';
    headers['Allow'] = 'GET, HEAD, OPTIONS';
  } else if (req.method !== 'GET' && req.method !== 'HEAD') {
    status = 405;
    body = NOT_ALLOWED;
    headers['Allow'] = 'GET, HEAD, OPTIONS';
  }
  headers['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  // Drain any request body so the connection stays usable for the next keep-alive request.
  req.resume();
  res.end(req.method === 'HEAD' ? undefined : body);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.removeListener('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

/** Start one backend on its preferred port, or on a free one when that port is busy (or not ours to take). */
export async function startDemoBackend(spec: DemoBackendSpec, host = DEMO_HOST): Promise<DemoBackend> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    count++;
    answer(spec.text, req, res);
  });
  // Longer than the proxy's idle pool timeout, so a reused upstream connection is never closed under a request.
  server.keepAliveTimeout = 65_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let port: number;
  try {
    port = await listen(server, host, spec.preferredPort);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (spec.preferredPort === 0 || (code !== 'EADDRINUSE' && code !== 'EACCES')) throw err;
    port = await listen(server, host, 0);
  }
  return {
    text: spec.text,
    preferredPort: spec.preferredPort,
    host,
    port,
    url: `http://${host}:${port}/`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Start every backend; if one fails, the ones already started are closed before the error is passed on. */
export async function startDemoBackends(specs: readonly DemoBackendSpec[] = TUTORIAL_BACKENDS, host = DEMO_HOST): Promise<DemoBackend[]> {
  const started: DemoBackend[] = [];
  try {
    for (const s of specs) started.push(await startDemoBackend(s, host));
    return started;
  } catch (err) {
    await Promise.all(started.map((b) => b.close()));
    throw err;
  }
}
