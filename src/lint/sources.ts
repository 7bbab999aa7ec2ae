/** The text of the files a load read, by the name their diagnostics use, for code frames. The AST is lossless. */
import type { Diagnostic } from '../diagnostic.js';
import type { LoadResult } from '../config/types.js';
import { print } from '../syntax/print.js';
import { filesOf } from './disable.js';

/** Only the files some diagnostic points at (printing an untouched 10 MB file back is not free). */
export function sourcesOf(loaded: LoadResult, diagnostics?: readonly Diagnostic[]): ReadonlyMap<string, string> {
  const wanted = diagnostics ? new Set(diagnostics.map((d) => d.span.file)) : null;
  const out = new Map<string, string>();
  for (const f of filesOf(loaded)) {
    if (out.has(f.ast.file) || (wanted !== null && !wanted.has(f.ast.file))) continue;
    out.set(f.ast.file, print(f.ast));
  }
  return out;
}
