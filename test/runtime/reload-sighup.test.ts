/**
 * SIGHUP in `apx serve` (src/cli/serve.ts runModel): the config is read again and the proxy reloaded; when the
 * new config has errors the running one stays and the errors are logged. The signal is delivered in-process with
 * process.emit, so no real signal reaches the test runner.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModel } from '../../src/cli/serve.js';
import type { ProxyModel } from '../../src/model/types.js';
import { request, startTextBackend, type Backend } from '../support/backends.js';
import { Capture, model, route, server } from './fixture.js';

let a: Backend;
let b: Backend;
beforeAll(async () => {
  [a, b] = await Promise.all([startTextBackend('A'), startTextBackend('B')]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});

const to = (backend: Backend): ProxyModel => model({ mainServer: server({ routes: [route('/', `${backend.url}/`)] }) });

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

describe('apx serve: SIGHUP', () => {
  it('reloads on SIGHUP, keeps the running config when the new one fails, and stops on abort', async () => {
    const stderr = new Capture();
    const stop = new AbortController();
    let next: () => Promise<ProxyModel | null> = async () => to(b);
    let url = '';
    const done = runModel(
      to(a),
      {
        listen: [{ port: null, host: '127.0.0.1', listenPort: 0 }],
        errorLog: stderr as unknown as NodeJS.WritableStream,
        accessLog: null,
        banner: 'apx serving test',
        listenHint: '',
        onStarted: (p) => {
          url = p.addresses[0]!.url;
        },
        reread: () => next(),
      },
      { stdin: new PassThrough(), stdout: new PassThrough(), stderr: stderr as unknown as NodeJS.WritableStream, signal: stop.signal },
    );
    await until(() => url !== '');
    expect((await request(`${url}/x`)).text).toBe('A');

    process.emit('SIGHUP', 'SIGHUP');
    await until(() => stderr.text.includes('SIGHUP: reloaded'));
    expect((await request(`${url}/x`)).text).toBe('B');

    // A config with errors (the reader printed them and answered null): still B.
    next = async () => null;
    process.emit('SIGHUP', 'SIGHUP');
    await until(() => stderr.text.includes('the config has errors'));
    expect((await request(`${url}/x`)).text).toBe('B');

    // A model the runtime cannot serve: the error is logged, still B.
    next = async () => model({ mainServer: server({ routes: [route('^/(x', `${a.url}/`, { regex: true })] }) });
    process.emit('SIGHUP', 'SIGHUP');
    await until(() => /SIGHUP: .*still serving the previous config/.test(stderr.text));
    expect((await request(`${url}/x`)).text).toBe('B');

    stop.abort();
    expect(await done).toBe(0);
    // The handler is gone with the server.
    expect(process.listenerCount('SIGHUP')).toBe(0);
  });
});
