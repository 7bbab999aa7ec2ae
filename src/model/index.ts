/**
 * src/model: the resolved tree → ProxyModel. PLACEHOLDER until compile.ts lands (issue 4).
 */
export * from './types.js';
import type { Diagnostic } from '../diagnostic.js';
import type { LoadResult } from '../config/types.js';
import type { ProxyModel } from './types.js';

export interface CompileResult {
  /** null when errors make a model impossible (see diagnostics). */
  readonly model: ProxyModel | null;
  /** Problems found while lowering (on top of the load diagnostics, which are not repeated here). */
  readonly diagnostics: readonly Diagnostic[];
}

export function compile(_loaded: LoadResult): CompileResult {
  throw new Error('src/model compile() is not built yet');
}
