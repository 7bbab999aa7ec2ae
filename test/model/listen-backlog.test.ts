/** ListenBacklog (core listen.c ap_set_listenbacklog): the model field, and the accept queue apx serve opens with it. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startProxy } from '../../src/runtime/index.js';
import { codes, compileText, modelOf } from './helpers.js';

describe('ListenBacklog', () => {
  it.each([
    ['ListenBacklog 2048\n', 2048, []],
    ['ListenBacklog 1\nListenBacklog 64\n', 64, []],
    ['', undefined, []],
    ['ListenBacklog 0\n', undefined, ['model/invalid-listenbacklog']],
    ['ListenBacklog many\n', undefined, ['model/invalid-listenbacklog']],
  ] as const)('%j → %s', (text, backlog, expected) => {
    const r = compileText(`${text}ProxyPass / http://a/\n`);
    expect(r.model?.listenBacklog).toBe(backlog);
    expect(codes(r).filter((c) => c.startsWith('model/'))).toEqual(expected);
  });

  it('is no longer listed as "not modelled"', () => {
    expect(modelOf('ListenBacklog 100\n').unsupported.map((u) => u.directive)).not.toContain('ListenBacklog');
  });

  // `ss -ltn` shows a listening socket's backlog as its Send-Q.
  const ss = ((): boolean => {
    try {
      execFileSync('ss', ['-V'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!ss)('apx serve listens with that backlog, and with httpd\'s 511 without one', async () => {
    for (const [text, want] of [['ListenBacklog 77\n', '77'], ['', '511']] as const) {
      const proxy = await startProxy(modelOf(`${text}ProxyPass / http://127.0.0.1:9/\n`), { listen: [{ port: null, host: '127.0.0.1', listenPort: 0 }], accessLog: null });
      try {
        const port = proxy.addresses[0]!.port;
        const out = execFileSync('ss', ['-ltnH', `( sport = :${port} )`], { encoding: 'utf8' });
        expect(out.trim().split(/\s+/)[2]).toBe(want);
      } finally {
        await proxy.close();
      }
    }
  });
});
