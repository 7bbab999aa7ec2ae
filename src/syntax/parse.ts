/** Text → lossless syntax tree + the diagnostics httpd's reader would give. Pure; never throws on input. */
import { parseCst } from '../../grammar/parser.js';
import type { Diagnostic } from '../diagnostic.js';
import type { ConfigFile } from './ast.js';
import { buildAst } from './build.js';

export interface ParseResult {
  readonly ast: ConfigFile;
  readonly diagnostics: readonly Diagnostic[];
}

export function parse(text: string, file = '<input>'): ParseResult {
  const { cst } = parseCst(text);
  return buildAst(file, text, cst);
}
