/**
 * src/config: files → one resolved tree, the way httpd reads them. PLACEHOLDER until load.ts lands (issue 2).
 */
export * from './types.js';
export { walk, directives, sections, type WalkContext, type WalkOptions, type Visitor, type DirectiveVisit } from './walk.js';
import type { LoadEntry, LoadOptions, LoadResult } from './types.js';

export function load(_entry: LoadEntry, _options: LoadOptions = {}): LoadResult {
  throw new Error('src/config load() is not built yet');
}
