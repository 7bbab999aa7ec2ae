/**
 * The library's `serve`: what `apx serve FILE` does, without the CLI's printing, signals and workers.
 *
 *   const { proxy, prepared } = await serve({ file: 'site.conf', text }, { listen: [{ host: '127.0.0.1', port: 0 }] });
 *   console.log(prepared.diagnostics.length, 'warnings'); …; await proxy.close();
 */
import type { Diagnostic } from '../diagnostic.js';
import { formatLocation } from '../diagnostic.js';
import { startProxy, type ReloadableProxy, type ServeOptions } from '../runtime/index.js';
import { prepare, type PrepareOptions, type PrepareResult } from './prepare.js';

/** The config has errors (lint or compile): nothing was started. `diagnostics` says why. */
export class PrepareError extends Error {
  constructor(
    readonly failedAt: 'lint' | 'compile',
    readonly diagnostics: readonly Diagnostic[],
  ) {
    const first = diagnostics.find((d) => d.severity === 'error');
    super(first ? `${formatLocation(first.span)}: ${first.message} (${first.code})` : `the config could not be turned into a proxy model`);
    this.name = 'PrepareError';
  }
}

export async function serve(
  input: { readonly file: string; readonly text: string },
  options: ServeOptions & { readonly prepare?: PrepareOptions } = {},
): Promise<{ readonly proxy: ReloadableProxy; readonly prepared: PrepareResult }> {
  const { prepare: prepareOptions, ...serveOptions } = options;
  const prepared = prepare(input, prepareOptions);
  if (prepared.model === null) throw new PrepareError(prepared.failedAt ?? 'compile', prepared.diagnostics);
  return { proxy: await startProxy(prepared.model, serveOptions), prepared };
}
