/** The library's prepare/serve: the CLI's pipeline without its printing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepare, PrepareError, serve } from '../../src/index.js';
import { request, startTextBackend, type Backend } from '../support/backends.js';

let backend: Backend;
beforeAll(async () => {
  backend = await startTextBackend('Hello world!');
});
afterAll(() => backend.close());

const site = (target: string): string => `<VirtualHost *:80>\n    ProxyPreserveHost On\n    ProxyPass / ${target}/\n    ProxyPassReverse / ${target}/\n</VirtualHost>\n`;

describe('prepare', () => {
  it('a lone site file: assumes the modules it needs, returns a model and no errors', () => {
    const r = prepare({ file: '000-default.conf', text: site('http://127.0.0.1:8080') }, { noTreeDetection: true });
    expect(r.assumedModules).toEqual(['proxy', 'proxy_http']);
    expect(r.failedAt).toBeNull();
    expect(r.model?.virtualHosts).toHaveLength(1);
  });

  it('assumeNeededModules: false reads the file as Apache would on a fresh install (lint errors, no model)', () => {
    const r = prepare({ file: '000-default.conf', text: site('http://127.0.0.1:8080') }, { noTreeDetection: true, assumeNeededModules: false });
    expect(r.failedAt).toBe('lint');
    expect(r.model).toBeNull();
    expect(r.diagnostics.some((d) => d.severity === 'error' && /proxy/.test(d.hint ?? ''))).toBe(true);
  });

  it('--modules given: nothing is assumed', () => {
    const r = prepare({ file: 'x.conf', text: site('http://127.0.0.1:8080') }, { noTreeDetection: true, modules: ['proxy', 'proxy_http'] });
    expect(r.assumedModules).toEqual([]);
    expect(r.model).not.toBeNull();
  });
});

describe('serve', () => {
  it('starts the proxy for config text and answers through it', async () => {
    const { proxy, prepared } = await serve({ file: 'site.conf', text: site(backend.url) }, { listen: [{ port: null, host: '127.0.0.1', listenPort: 0 }], prepare: { noTreeDetection: true } });
    try {
      expect(prepared.assumedModules).toContain('proxy_http');
      const r = await request(`${proxy.addresses[0]!.url}/`);
      expect(r.text).toBe('Hello world!');
    } finally {
      await proxy.close();
    }
  });

  it('a config with errors throws PrepareError with the diagnostics, and starts nothing', async () => {
    const bad = 'ProxyPass /app/ http://127.0.0.1:1/ retries=3\n';
    const err = await serve({ file: 'bad.conf', text: bad }, { prepare: { noTreeDetection: true } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrepareError);
    expect((err as PrepareError).failedAt).toBe('lint');
    expect((err as PrepareError).message).toMatch(/^bad\.conf:1:\d+: .*retries/);
  });
});
