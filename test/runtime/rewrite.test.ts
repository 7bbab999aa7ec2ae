/**
 * RewriteRule [P] (src/model/rewrite.ts, src/runtime/rewrite): what the model keeps or reports unsupported, the
 * engine's matching ($N, %N, %{HTTP:…}, [NC], [OR], negation, query handling, the %3F refusal), and the WebSocket
 * pattern end to end — upgraded requests tunnelled by the rule, plain ones falling through to ProxyPass.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewriteCondition, RewriteRule } from '../../src/model/types.js';
import { RewriteEngine, type RewriteRequest } from '../../src/runtime/rewrite/index.js';
import { modelOf } from '../model/helpers.js';
import { rawRequest, request, startEchoBackend, type Backend } from '../support/backends.js';
import { closeAll, model, route, serve, server } from './fixture.js';
import { upgradeRequest } from '../support/websocket.js';

const cond = (testString: string, pattern: string, over: Partial<RewriteCondition> = {}): RewriteCondition => ({ testString, pattern, negate: false, nocase: false, ornext: false, span: null, ...over });
const rule = (pattern: string, substitution: string, conditions: RewriteCondition[] = [], over: Partial<RewriteRule> = {}): RewriteRule => ({
  pattern,
  negate: false,
  substitution,
  flags: { proxy: true, last: true, nocase: false },
  conditions,
  span: null,
  ...over,
});

function req(path: string, headers: Record<string, string> = {}, query: string | null = null, rawPath = path): RewriteRequest {
  return {
    path,
    rawPath,
    query,
    method: 'GET',
    scheme: 'http',
    serverName: 'www.example.com',
    serverPort: 80,
    remoteAddr: '127.0.0.1',
    protocol: 'HTTP/1.1',
    header: (n) => Object.entries(headers).find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1],
  };
}

const WS = [rule('^/?(.*)', 'ws://127.0.0.1:8080/$1', [cond('%{HTTP:Upgrade}', 'websocket', { nocase: true })])];

describe('RewriteEngine', () => {
  it.each([
    ['the WebSocket pattern with Upgrade: websocket', WS, req('/chat/room', { Upgrade: 'websocket' }), 'ws://127.0.0.1:8080/chat/room'],
    ['[NC] on the condition', WS, req('/x', { Upgrade: 'WebSocket' }), 'ws://127.0.0.1:8080/x'],
    ['no Upgrade header: the condition fails', WS, req('/x'), null],
    ['condition without [NC] is case-sensitive', [rule('^/(.*)', 'ws://b/$1', [cond('%{HTTP:Upgrade}', 'websocket')])], req('/x', { Upgrade: 'WebSocket' }), null],
    ['anchored pattern does not match elsewhere', [rule('^/ws/(.*)$', 'ws://b/$1')], req('/app/ws/x'), null],
    ['rule [NC]', [rule('^/WS/(.*)$', 'ws://b/$1', [], { flags: { proxy: true, last: true, nocase: true } })], req('/ws/x'), 'ws://b/x'],
    ['negated rule leaves no $N', [rule('^/static', 'http://b/$1', [], { negate: true })], req('/x'), 'http://b/'],
    ['%N from the last matched condition', [rule('^/(.*)', 'http://b/%1/$1', [cond('%{HTTP_HOST}', '^(\\w+)\\.example\\.com$')])], req('/p', { Host: 'shop.example.com' }), 'http://b/shop/p'],
    ['[OR]: either condition', [rule('^/(.*)', 'http://b/$1', [cond('%{HTTP:X-A}', '^1$', { ornext: true }), cond('%{HTTP:X-B}', '^1$')])], req('/p', { 'X-B': '1' }), 'http://b/p'],
    ['[OR]: neither condition', [rule('^/(.*)', 'http://b/$1', [cond('%{HTTP:X-A}', '^1$', { ornext: true }), cond('%{HTTP:X-B}', '^1$')])], req('/p'), null],
    ['[OR] chain then AND', [rule('^/(.*)', 'http://b/$1', [cond('%{HTTP:X-A}', '^1$', { ornext: true }), cond('%{HTTP:X-B}', '^1$'), cond('%{REQUEST_URI}', '^/q')])], req('/p', { 'X-A': '1' }), null],
    ['negated condition', [rule('^/(.*)', 'http://b/$1', [cond('%{REQUEST_URI}', '^/private', { negate: true })])], req('/private/x'), null],
    ['first applying rule wins', [rule('^/a', 'http://one/'), rule('^/', 'http://two/')], req('/b'), 'http://two/'],
    ['\\$ is a literal dollar', [rule('^/(.*)', 'http://b/\\$1')], req('/p'), 'http://b/$1'],
  ])('%s', (_n, rules, r, want) => {
    const out = new RewriteEngine(rules).apply(r);
    expect(out?.kind === 'proxy' ? out.url : null).toBe(want);
  });

  it('passes the query on unless the substitution has one', () => {
    const e = new RewriteEngine([rule('^/(.*)', 'http://b/$1')]);
    expect(e.apply(req('/p', {}, 'a=1'))).toMatchObject({ url: 'http://b/p', query: 'a=1' });
    const f = new RewriteEngine([rule('^/(.*)', 'http://b/$1?x=%{QUERY_STRING}')]);
    expect(f.apply(req('/p', {}, 'a=1'))).toMatchObject({ url: 'http://b/p', query: 'x=a=1' });
  });

  it('refuses a %3F turned into a query (CVE-2023-25690, AH10508)', () => {
    const e = new RewriteEngine([rule('^/(.*)', 'http://b/$1')]);
    expect(e.apply(req('/a?b', {}, null, '/a%3Fb'))).toMatchObject({ kind: 'forbidden' });
  });
});

describe('model', () => {
  it('keeps the WebSocket pattern, in its own server only, with RewriteEngine On', () => {
    const m = modelOf(
      'RewriteEngine On\nRewriteRule ^/main(.*) http://m/$1 [P]\n<VirtualHost *:80>\nServerName a\nRewriteEngine On\nRewriteCond %{HTTP:Upgrade} websocket [NC]\nRewriteRule ^/?(.*) "ws://127.0.0.1:8080/$1" [P,L]\n</VirtualHost>\n<VirtualHost *:80>\nServerName b\nRewriteRule ^/x http://b/ [P]\n</VirtualHost>\n',
    );
    expect(m.mainServer.rewrites.map((r) => r.substitution)).toEqual(['http://m/$1']);
    expect(m.virtualHosts[0]!.rewrites).toMatchObject([
      { pattern: '^/?(.*)', negate: false, substitution: 'ws://127.0.0.1:8080/$1', flags: { proxy: true, last: true, nocase: false }, conditions: [{ testString: '%{HTTP:Upgrade}', pattern: 'websocket', nocase: true, ornext: false, negate: false }] },
    ]);
    // No RewriteEngine On in vhost b, and the main server's rules are not inherited.
    expect(m.virtualHosts[1]!.rewrites).toEqual([]);
  });

  it.each([
    ['RewriteRule ^/old /new [R=301]', /\[P\], \[L\] and \[NC\] only, not \[R=301\]/],
    ['RewriteRule ^/old /new', /proxying RewriteRules \(\[P\]\) only/],
    ['RewriteRule ^/(.*) /local/$1 [P]', /absolute URL/],
    ['RewriteCond %{REQUEST_FILENAME} !-f\nRewriteRule ^/(.*) http://b/$1 [P]', /%\{REQUEST_FILENAME\}|outside the subset/],
    ['RewriteCond %{HTTP:X} -f\nRewriteRule ^/(.*) http://b/$1 [P]', /regex CondPatterns only/],
    ['RewriteCond %{HTTP:X} x [NV]\nRewriteRule ^/(.*) http://b/$1 [P]', /\[NC\] and \[OR\] only/],
    ['RewriteRule ^/(?<n>x http://b/ [P]', /regex/],
  ])('reports %j unsupported with the reason', (text, reason) => {
    const m = modelOf(`RewriteEngine On\n${text}\n`);
    expect(m.mainServer.rewrites).toEqual([]);
    const listed = m.unsupported.filter((u) => /^Rewrite(Rule|Cond)$/.test(u.directive));
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.map((u) => u.reason).join('\n')).toMatch(reason);
  });
});

describe('WebSocket pattern served', () => {
  let ws: Server;
  let wsPort = 0;
  let plain: Backend;
  const seen: string[] = [];
  beforeAll(async () => {
    plain = await startEchoBackend({ name: 'plain' });
    ws = createServer((r, res) => res.end(`ws-backend-plain ${r.url}`));
    ws.on('upgrade', (r, socket: Socket) => {
      seen.push(r.url ?? '');
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
      socket.on('end', () => socket.end());
    });
    await new Promise<void>((r) => ws.listen(0, '127.0.0.1', r));
    wsPort = (ws.address() as { port: number }).port;
  });
  afterAll(async () => {
    await closeAll();
    ws.closeAllConnections();
    await new Promise((r) => ws.close(r));
    await plain.close();
  });

  it('tunnels an upgrade through the rule and proxies plain requests with ProxyPass', async () => {
    const rules = [rule('^/?(.*)', `ws://127.0.0.1:${wsPort}/$1`, [cond('%{HTTP:Upgrade}', 'websocket', { nocase: true })])];
    const p = await serve(model({ mainServer: server({ rewrites: rules, routes: [route('/', `${plain.url}/`)] }) }));
    const t = await upgradeRequest(p.url, '/socket.io/?EIO=4', 'WebSocket');
    expect(t.head).toMatch(/^HTTP\/1\.1 101/);
    expect(t.echo).toBe('HELLO');
    expect(seen.at(-1)).toBe('/socket.io/?EIO=4');
    // Without Upgrade the condition fails and ProxyPass / takes it.
    const r = await request(`${p.url}/page?q=1`);
    expect(r.json<{ url: string }>().url).toBe('/page?q=1');
    // A plain request the rule does take goes to the ws:// backend over HTTP, as mod_proxy_wstunnel's fallback.
    const q = await serve(model({ mainServer: server({ rewrites: [rule('^/direct/(.*)', `http://127.0.0.1:${wsPort}/$1`)] }) }));
    expect((await request(`${q.url}/direct/x?y=1`)).text).toBe('ws-backend-plain /x?y=1');
  });

  // A [P] URL no ProxyPass names uses mod_proxy's default reverse worker, a worker of its own: as for a direct
  // ProxyPass worker (observed on httpd 2.4.71), a refused connection answers 503 and the next request tries again.
  it('a refused [P] target answers 503 every time and is tried every time (never put in error)', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as { port: number }).port;
    await new Promise((r) => dead.close(r));
    const p = await serve(model({ mainServer: server({ rewrites: [rule('^/(.*)', `http://127.0.0.1:${port}/$1`)] }) }));
    expect((await request(`${p.url}/a`)).status).toBe(503);
    expect((await request(`${p.url}/b`)).status).toBe(503);
    expect(p.errors.text).not.toContain('AH00940');
    expect(p.errors.text.match(/Connection refused/g)?.length).toBe(2);
  });

  it('answers 403 for a %3F smuggled into the query, and logs AH10508', async () => {
    const p = await serve(model({ mainServer: server({ rewrites: [rule('^/(.*)', `${plain.url}/$1`)] }) }));
    const r = await rawRequest(p.url, 'GET /a%3Fb=1 HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(r.status).toBe(403);
    expect(p.errors.text).toContain('AH10508');
  });
});
