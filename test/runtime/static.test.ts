/** DocumentRoot files for paths no ProxyPass takes (httpd's default handler + mod_dir), served safely. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorPage } from '../../src/runtime/errors.js';
import { request, startEchoBackend, type Backend } from '../support/backends.js';
import type { ProxyModel } from '../../src/model/types.js';
import { closeAll, model, route, serve, server, type Started } from './fixture.js';

const root = mkdtempSync(join(tmpdir(), 'apx-docroot-'));
const outside = mkdtempSync(join(tmpdir(), 'apx-outside-'));
let echo: Backend;
let p: Started;
beforeAll(async () => {
  writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(root, 'a.css'), 'body{}');
  writeFileSync(join(root, 'a b.txt'), 'spaced');
  writeFileSync(join(root, '.htpasswd'), 'secret');
  writeFileSync(join(root, 'blob.unknownext'), 'x');
  mkdirSync(join(root, 'sub'));
  mkdirSync(join(root, 'api'));
  writeFileSync(join(root, 'api', 'hidden.txt'), 'never served: /api is proxied');
  writeFileSync(join(outside, 'secret.txt'), 'outside');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
  echo = await startEchoBackend({ name: 'api' });
  p = await serve(withModules(model({ mainServer: server({ documentRoot: root, routes: [route('/api/private', '!'), route('/api', `${echo.url}/`)] }) }), ['dir', 'mime']));
});
afterAll(async () => {
  await closeAll();
  await echo.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function withModules(m: ProxyModel, mods: string[]): ProxyModel {
  return { ...m, source: { ...m.source, modules: [...m.source.modules, ...mods].sort() } };
}

const raw = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: site.example\r\n${extra}Connection: close\r\n\r\n`;

describe('DocumentRoot', () => {
  it.each([
    ['/', 200, '<h1>home</h1>', 'text/html'],
    ['/index.html', 200, '<h1>home</h1>', 'text/html'],
    ['/a.css', 200, 'body{}', 'text/css'],
    ['/a%20b.txt', 200, 'spaced', 'text/plain'],
    ['/blob.unknownext', 200, 'x', undefined],
  ])('%s → %i', async (path, status, body, type) => {
    const r = await request(p.url, { rawRequest: raw(path) });
    expect(r.status).toBe(status);
    expect(r.text).toBe(body);
    expect(r.header('content-type')).toBe(type);
    expect(r.header('etag')).toMatch(/^(W\/)?"[0-9a-f]+-[0-9a-f]+"$/);
  });

  it.each([
    ['/missing', 404],
    ['/sub/', 403],
    ['/.htpasswd', 403],
    ['/link.txt', 404],
    ['/api/private', 404],
    ['/../etc/passwd', 400],
    ['/%2e%2e/%2e%2e/etc/passwd', 400],
    ['/a%2F..%2F..%2Fetc%2Fpasswd', 404],
  ])('%s → %i (never a file outside the root)', async (path, status) => {
    const r = await request(p.url, { rawRequest: raw(path) });
    expect(r.status).toBe(status);
    expect(r.text).toBe(errorPage(status).body);
  });

  it('a directory without its slash is redirected (mod_dir DirectorySlash)', async () => {
    const r = await request(p.url, { rawRequest: raw('/sub?x=1') });
    expect(r.status).toBe(301);
    expect(r.header('location')).toBe('http://site.example/sub/?x=1');
    expect(r.text).toBe(errorPage(301, { location: 'http://site.example/sub/?x=1' }).body);
  });

  it('ProxyPass still wins over files', async () => {
    const r = await request(p.url, { rawRequest: raw('/api/hidden.txt') });
    expect(r.json().backend).toBe('api');
  });

  it('answers conditional requests with 304, HEAD without a body, and POST with 405', async () => {
    const first = await request(p.url, { rawRequest: raw('/a.css') });
    const etag = first.header('etag')!;
    const again = await request(p.url, { rawRequest: raw('/a.css', `If-None-Match: ${etag}\r\n`) });
    expect(again.status).toBe(304);
    const since = await request(p.url, { rawRequest: raw('/a.css', `If-Modified-Since: ${first.header('last-modified')}\r\n`) });
    expect(since.status).toBe(304);
    const head = await request(p.url, { rawRequest: 'HEAD /a.css HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n' });
    expect(head.status).toBe(200);
    expect(head.header('content-length')).toBe('6');
    // httpd's default handler serves a file to POST as well; other methods are refused.
    expect((await request(`${p.url}/a.css`, { method: 'POST', body: 'x' })).text).toBe('body{}');
    expect((await request(`${p.url}/a.css`, { method: 'DELETE' })).status).toBe(405);
  });

  it('without mod_dir a directory is a 404, without mod_mime there is no Content-Type (httpd 2.4.71)', async () => {
    const q = await serve(model({ mainServer: server({ documentRoot: root }) }));
    expect((await request(`${q.url}/`)).status).toBe(404);
    expect((await request(`${q.url}/sub`)).status).toBe(404);
    const css = await request(`${q.url}/a.css`);
    expect(css.text).toBe('body{}');
    expect(css.header('content-type')).toBeUndefined();
  });

  it('a missing DocumentRoot is a 404 for everything local', async () => {
    const q = await serve(model({ mainServer: server({ documentRoot: join(root, 'nope') }) }));
    expect((await request(`${q.url}/`)).status).toBe(404);
  });
});
