/**
 * The floor under any Node.js reverse proxy, measured beside apx by `npm run bench:serve -- --only …,node`: the
 * least a proxy on node:http/node:https can do — parse the request, forward it on a keep-alive agent to the next
 * backend in turn, copy the response back — in as many cluster workers as apx runs by default, closing each client
 * connection after its 101st response as httpd's MaxKeepAliveRequests 100 does. No header rewriting, no vhosts,
 * no failover, no log, no http-proxy: what apx costs above this row is apx's own work (docs/performance.md).
 *
 *   node dist/bench/lib/node-floor.js PORT BACKEND_PORT[,BACKEND_PORT…] [CERT_FILE KEY_FILE]
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { Agent, createServer as createHttpServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { availableParallelism } from 'node:os';

const HOST = '127.0.0.1';
/** httpd closes a connection after MaxKeepAliveRequests (100) + 1 responses; apx too. */
const REQUESTS_PER_CONNECTION = 101;

const [portArg, backendsArg, certFile, keyFile] = process.argv.slice(2);
if (!portArg || !backendsArg || (certFile !== undefined && keyFile === undefined)) {
  process.stderr.write('usage: node-floor.js PORT BACKEND_PORT[,BACKEND_PORT…] [CERT_FILE KEY_FILE]\n');
  process.exit(2);
}

if (cluster.isPrimary) {
  // apx serve's default: one worker per core.
  for (let i = 0; i < availableParallelism(); i++) cluster.fork();
  const stop = (): void => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  const backends = backendsArg.split(',').map(Number);
  const agent = new Agent({ keepAlive: true });
  let next = 0;
  const served = new WeakMap<object, number>();
  /** Headers without the hop-by-hop ones (RFC 9110 §7.6.1), which no proxy forwards. */
  const endToEnd = (headers: IncomingHttpHeaders): IncomingHttpHeaders => {
    const out: IncomingHttpHeaders = { ...headers };
    for (const name of String(headers.connection ?? '').split(',')) delete out[name.trim().toLowerCase()];
    delete out.connection;
    delete out['keep-alive'];
    delete out['proxy-connection'];
    delete out.te;
    delete out.trailer;
    delete out['transfer-encoding'];
    delete out.upgrade;
    return out;
  };
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    // The last response says `Connection: close` and ends the connection, as apx does (Node's maxRequestsPerSocket
    // alone would keep it open and answer the client's next request 503).
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    if (n >= REQUESTS_PER_CONNECTION) res.shouldKeepAlive = false;
    const port = backends[next++ % backends.length]!;
    const preq = request({ host: HOST, port, method: req.method, path: req.url, headers: endToEnd(req.headers), agent }, (bres) => {
      // The backend's `Connection: keep-alive` must not be copied: written by hand it would override the
      // shouldKeepAlive set above (Node's matchHeader), and the floor would never close a connection — nor pay the
      // TLS handshakes that apx and Apache pay every 101 requests.
      res.writeHead(bres.statusCode ?? 502, endToEnd(bres.headers));
      bres.pipe(res);
    });
    preq.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(preq);
  };
  const server = certFile && keyFile ? createHttpsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, forward) : createHttpServer(forward);
  server.listen(Number(portArg), HOST);
  // Exit rather than die of the signal, so `node --cpu-prof` writes the worker's profile.
  process.on('SIGTERM', () => process.exit(0));
}
