/**
 * `KeepAlive` / `MaxKeepAliveRequests` in apx serve: how many requests one client connection carries
 * (src/runtime/listeners.ts requestsPerConnection), then apx itself on one raw connection. httpd keeps a
 * connection open while the responses it kept it open for are fewer than MaxKeepAliveRequests, so
 * `MaxKeepAliveRequests N` answers N + 1 requests, the last with `Connection: close` (http_protocol.c
 * ap_set_keepalive; test/differential/keep-alive.test.ts checks it against Apache 2.4.71).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../../src/config/index.js';
import { compile } from '../../src/model/index.js';
import { startProxy, type RunningProxy } from '../../src/runtime/index.js';
import { APACHE_CLIENT_TIMEOUTS, clientTimeouts, requestsPerConnection, serverTimeoutOptions } from '../../src/runtime/listeners.js';
import { startTextBackend, type Backend } from '../support/backends.js';
import { announces, probeKeepAlive } from './keep-alive-probe.js';

const MODULES = ['proxy', 'proxy_http'];

function modelOf(text: string) {
  const { model, diagnostics } = compile(load({ file: '/t.conf', text }, { noTreeDetection: true, modules: MODULES }));
  if (!model) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return model;
}

const VHOST = (inner: string, target = 'http://127.0.0.1:9/'): string => `<VirtualHost *:80>\n${inner}ProxyPass / ${target}\n</VirtualHost>\n`;

/** config → requests per connection (Node's maxRequestsPerSocket: 0 unlimited). */
const CONFIGS: readonly (readonly [name: string, config: string, perConnection: number])[] = [
  ['nothing written: MaxKeepAliveRequests 100 → 101 requests', '', 101],
  ['MaxKeepAliveRequests 3 → 4', 'MaxKeepAliveRequests 3\n', 4],
  ['MaxKeepAliveRequests 0: unlimited', 'MaxKeepAliveRequests 0\n', 0],
  ['MaxKeepAliveRequests 1 → 2', 'MaxKeepAliveRequests 1\n', 2],
  ['a negative MaxKeepAliveRequests keeps nothing alive', 'MaxKeepAliveRequests -5\n', 1],
  ['MaxKeepAliveRequests abc is atoi 0: unlimited', 'MaxKeepAliveRequests abc\n', 0],
  ['KeepAlive Off → 1', 'KeepAlive Off\n', 1],
  ['keepalive off (any case), whatever MaxKeepAliveRequests says', 'keepalive oFF\nMaxKeepAliveRequests 0\n', 1],
  ['KeepAliveTimeout 0 keeps nothing alive (ap_set_keepalive needs a timeout above 0)', 'KeepAliveTimeout 0\n', 1],
  ['KeepAlive Off then On', 'KeepAlive Off\nKeepAlive On\nMaxKeepAliveRequests 7\n', 8],
];

describe('requests per client connection from the config', () => {
  it.each(CONFIGS)('%s', (_name, config, expected) => {
    const t = clientTimeouts(modelOf(config + VHOST('')));
    expect(requestsPerConnection(t)).toBe(expected);
    expect(serverTimeoutOptions(t).maxRequestsPerSocket).toBe(expected);
  });

  it('is httpd\'s default without a model value (older models completed: KeepAlive On, 100)', () => {
    expect(requestsPerConnection(APACHE_CLIENT_TIMEOUTS)).toBe(101);
  });

  it.each([
    // One value per process: the last server in config order that sets its own (docs/deviations.md client-timeouts).
    ['a vhost overrides the main server', 'MaxKeepAliveRequests 3\n' + VHOST('MaxKeepAliveRequests 5\n'), 6],
    ['a vhost without its own takes the main server\'s', 'MaxKeepAliveRequests 3\n' + VHOST(''), 4],
    ['a vhost\'s -1 is httpd\'s "unset": the main server\'s', 'MaxKeepAliveRequests 3\n' + VHOST('MaxKeepAliveRequests -1\n'), 4],
    ['a vhost turns KeepAlive off', VHOST('KeepAlive Off\n'), 1],
    ['a vhost\'s KeepAliveTimeout 0 is httpd\'s "unset": it keeps alive', VHOST('KeepAliveTimeout 0\n'), 101],
    ['the last vhost that sets its own wins', VHOST('MaxKeepAliveRequests 9\n') + VHOST('') + VHOST('MaxKeepAliveRequests 2\n') + VHOST(''), 3],
  ] as const)('%s', (_name, config, expected) => {
    expect(requestsPerConnection(clientTimeouts(modelOf(config)))).toBe(expected);
  });
});

// apx serve on one raw connection (src/runtime/index.ts createServer → listeners.ts limitRequestsPerConnection).
describe('apx serve closes client connections as httpd does', () => {
  let backend: Backend;
  const running: RunningProxy[] = [];
  beforeAll(async () => {
    backend = await startTextBackend('ok');
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.close()));
    await backend?.close();
  });

  async function serve(config: string): Promise<number> {
    const proxy = await startProxy(modelOf(config + VHOST('', `${backend.url}/`)), {
      listen: [{ port: null, host: '127.0.0.1', listenPort: 0 }],
      accessLog: null,
      errorLog: { write: () => true } as unknown as NodeJS.WritableStream,
    });
    running.push(proxy);
    return proxy.addresses[0]!.port;
  }

  it.each([
    // [config, requests sent, responses before the close (null: still open)]
    ['MaxKeepAliveRequests 3', 'MaxKeepAliveRequests 3\n', 8, 4],
    ['nothing written (100)', '', 110, 101],
    ['MaxKeepAliveRequests 0', 'MaxKeepAliveRequests 0\n', 150, null],
    ['KeepAlive Off', 'KeepAlive Off\n', 3, 1],
  ] as const)('%s: the last response says Connection: close and the connection ends after it', async (_name, config, sent, closedAfter) => {
    const port = await serve(config);
    const p = await probeKeepAlive(port, '/x', sent);
    expect(p.closedAfter).toBe(closedAfter);
    expect(p.responses.map((r) => r.status)).toEqual(Array(closedAfter ?? sent).fill(200));
    const said = p.responses.map(announces);
    expect(said.slice(0, -1).every((s) => s === 'open')).toBe(true);
    expect(said.at(-1)).toBe(closedAfter === null ? 'open' : 'close');
  }, 20_000);

  it('requests pipelined past the limit are left unanswered, as httpd leaves them (not Node\'s 503s)', async () => {
    const port = await serve('MaxKeepAliveRequests 1\n');
    const before = backend.requests.length;
    const p = await probeKeepAlive(port, '/piped', 4, { pipelined: true });
    expect(p.responses.map((r) => `${r.status} ${announces(r)}`)).toEqual(['200 open', '200 close']);
    expect(p.closedAfter).toBe(2);
    // Nor did they reach the backend: only the two answered requests were proxied.
    expect(backend.requests.length - before).toBe(2);
  }, 20_000);
});
