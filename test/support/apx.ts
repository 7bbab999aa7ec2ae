/**
 * apx beside Apache in differential tests: `load()` of the very ServerRoot the harness wrote (test/support/apache.ts),
 * `compile()`, `startProxy()` with the config's port moved to a free one on 127.0.0.1.
 */
import { PassThrough } from 'node:stream';
import { load } from '../../src/config/index.js';
import { compile } from '../../src/model/index.js';
import type { ProxyModel } from '../../src/model/types.js';
import { startProxy, type RunningProxy } from '../../src/runtime/index.js';
import type { ServerRoot } from './apache.js';

export interface ApxBeside {
  readonly proxy: RunningProxy;
  readonly model: ProxyModel;
  /** The address serving the config's `{{PORT}}` listener. */
  readonly port: number;
  readonly url: string;
}

/** Throws with the compile diagnostics when the config gives no model. The error log is discarded unless given. */
export async function startApxOn(root: ServerRoot, opts: { readonly errorLog?: NodeJS.WritableStream } = {}): Promise<ApxBeside> {
  const { model, diagnostics } = compile(load({ file: root.confFile }, { serverRoot: root.dir }));
  if (!model) throw new Error(`apx could not compile the config: ${diagnostics.map((d) => d.message).join('; ')}`);
  const proxy = await startProxy(model, { listen: [{ port: root.port, host: '127.0.0.1', listenPort: 0 }], accessLog: null, errorLog: opts.errorLog ?? new PassThrough().resume() });
  const addr = proxy.addresses.find((a) => a.servesPort === root.port) ?? proxy.addresses[0];
  if (!addr) {
    await proxy.close();
    throw new Error('apx started without listening anywhere');
  }
  return { proxy, model, port: addr.port, url: addr.url };
}
