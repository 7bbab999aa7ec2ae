/** Text → lossless syntax tree + the diagnostics httpd's reader would give. Pure; never throws on input. */
import { lexChunks } from '../../grammar/lines.js';
import type { Diagnostic } from '../diagnostic.js';
import type { ConfigFile } from './ast.js';
import { AstBuilder } from './build.js';

export interface ParseResult {
  readonly ast: ConfigFile;
  readonly diagnostics: readonly Diagnostic[];
}

export function parse(text: string, file = '<input>'): ParseResult {
  const builder = new AstBuilder(file, text);
  for (const chunk of lexChunks(text)) builder.add(chunk);
  return builder.finish();
}
