/**
 * The RewriteRule WebSocket pattern on real Apache 2.4.71 and on apx, same config: an `Upgrade: websocket` request
 * is tunnelled to the ws:// backend by the rule (what the backend saw, the 101, an echo), other requests fall
 * through to ProxyPass, and a %3F turned into a query is refused (CVE-2023-25690).
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apacheAvailable, apacheSkipReason, createServerRoot, disposeAllApache, startApache, type RunningApache } from '../support/apache.js';
import { rawRequest, request, startEchoBackend, type Backend } from '../support/backends.js';
import type { RunningProxy } from '../../src/runtime/index.js';
import { startApxOn } from '../support/apx.js';
import { upgradeRequest } from '../support/websocket.js';

let ws: Server;
let wsPort = 0;
const seen: string[] = [];
let plain: Backend;
let httpd: RunningApache;
let apx: RunningProxy;
let apxUrl = '';

/** The WebSocket handshake and one echo, as the rule's vhost is named: status line and what came back. */
async function tunnel(url: string, path: string, upgrade: string): Promise<{ status: string; echo: string }> {
  const { head, echo } = await upgradeRequest(url, path, upgrade, 'chat.example.com');
  return { status: head.split('\r\n')[0]!.split(' ').slice(0, 2).join(' '), echo };
}

describe.skipIf(!apacheAvailable())(`RewriteRule [P] WebSocket pattern, apx vs Apache ${apacheSkipReason()}`, () => {
  beforeAll(async () => {
    plain = await startEchoBackend({ name: 'plain' });
    ws = createServer((r, res) => res.end(`ws-plain ${r.url}`));
    ws.on('upgrade', (r, socket: Socket) => {
      seen.push(r.url ?? '');
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
      socket.on('end', () => socket.end());
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => ws.listen(0, '127.0.0.1', r));
    wsPort = (ws.address() as { port: number }).port;
    const root = await createServerRoot({
      modules: ['rewrite', 'proxy_http', 'proxy_wstunnel'],
      config: 'RewriteEngine On\nRewriteCond %{HTTP:Upgrade} websocket [NC]\nRewriteRule ^/?(.*) "ws://127.0.0.1:{{WS}}/$1" [P,L]\nProxyPass / {{PLAIN}}/\n',
      vars: { WS: wsPort, PLAIN: plain.url },
    });
    httpd = await startApache(root);
    const started = await startApxOn(root);
    expect(started.model.mainServer.rewrites).toHaveLength(1);
    apx = started.proxy;
    apxUrl = started.url;
  }, 60_000);
  afterAll(async () => {
    await apx?.close();
    await disposeAllApache();
    ws.closeAllConnections();
    await new Promise((r) => ws.close(r));
    await plain.close();
  });

  it.each([
    ['/chat', 'websocket'],
    ['/socket.io/?EIO=4&transport=websocket', 'WebSocket'],
    ['/a%20b/c', 'websocket'],
  ])('tunnels %s (Upgrade: %s) the same way', async (path, upgrade) => {
    const theirs = await tunnel(httpd.url, path, upgrade);
    const theirsSeen = seen.at(-1);
    const ours = await tunnel(apxUrl, path, upgrade);
    const oursSeen = seen.at(-1);
    expect(ours).toEqual(theirs);
    expect(theirs.status).toBe('HTTP/1.1 101');
    expect(oursSeen).toBe(theirsSeen);
  });

  it.each(['/page?q=1', '/a/b', '/'])('passes a plain request %s on to ProxyPass the same way', async (path) => {
    const theirs = await request(`${httpd.url}${path}`);
    const ours = await request(`${apxUrl}${path}`);
    expect(ours.status).toBe(theirs.status);
    expect(ours.json<{ url: string }>().url).toBe(theirs.json<{ url: string }>().url);
  });

  it('refuses an encoded ? turned into a query like Apache', async () => {
    const bytes = 'GET /x%3Fy=1 HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
    const theirs = await rawRequest(httpd.url, bytes);
    const ours = await rawRequest(apxUrl, bytes);
    expect(theirs.status).toBe(403);
    expect(ours.status).toBe(theirs.status);
  });
});
