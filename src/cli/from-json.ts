/**
 * `apx from-json`: JSON from `apx to-json` back to config text. A model (`"format": "apx-model"`) becomes the
 * config it describes; a syntax tree (`"format": "apx-ast"`) becomes the original file, byte for byte.
 */
import type { Argv } from 'yargs';
import { buildConfig } from '../build/index.js';
import { readModelJson } from '../model/index.js';
import { MODEL_FORMAT } from '../model/types.js';
import { AST_FORMAT, AST_FORMAT_VERSION, fromAstJson, type JsonAst } from '../syntax/json.js';
import { readInput, type Streams } from './io.js';
import type { ApxCommand } from './command.js';

export interface FromJsonArgs {
  file: string;
}

function builder(y: Argv): Argv<FromJsonArgs> {
  return y
    .positional('file', { type: 'string', describe: 'JSON file from apx to-json, or - for standard input', demandOption: true })
    .example('$0 to-json site.conf > site.json && $0 from-json site.json', 'the config a model describes')
    .example('$0 to-json --ast site.conf | $0 from-json -', 'the original file, byte for byte')
    .epilog('The kind of JSON is read from its "format" field: "apx-model" or "apx-ast".') as unknown as Argv<FromJsonArgs>;
}

/** A light structural check of the syntax-tree JSON: enough to print precise messages instead of crashing. */
function astProblems(doc: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (doc['version'] !== AST_FORMAT_VERSION) problems.push(`/version: apx reads syntax tree version ${AST_FORMAT_VERSION}, this is ${JSON.stringify(doc['version'] ?? null)}`);
  if (typeof doc['bom'] !== 'boolean') problems.push('/bom: must be a boolean');
  const visit = (nodes: unknown, path: string): void => {
    if (!Array.isArray(nodes)) {
      problems.push(`${path}: must be an array`);
      return;
    }
    nodes.forEach((n: unknown, i) => {
      const p = `${path}/${i}`;
      if (n === null || typeof n !== 'object') return void problems.push(`${p}: must be an object`);
      const node = n as Record<string, unknown>;
      switch (node['kind']) {
        case 'directive':
        case 'section':
          if (typeof node['name'] !== 'string') problems.push(`${p}/name: must be a string`);
          if (!Array.isArray(node['args']) || !(node['args'] as unknown[]).every((a) => typeof a === 'string')) problems.push(`${p}/args: must be an array of strings`);
          if (node['kind'] === 'section') visit(node['children'], `${p}/children`);
          break;
        case 'comment':
          if (typeof node['text'] !== 'string') problems.push(`${p}/text: must be a string`);
          break;
        case 'blank':
          break;
        case 'stray-close':
          if (typeof node['name'] !== 'string') problems.push(`${p}/name: must be a string`);
          break;
        default:
          problems.push(`${p}/kind: must be one of "directive", "section", "comment", "blank", "stray-close"`);
      }
    });
  };
  visit(doc['children'], '/children');
  return problems;
}

async function run(args: FromJsonArgs, io: Streams): Promise<number> {
  const input = await readInput(args.file, io.stdin);
  const fail = (lines: readonly string[]): number => {
    io.stderr.write(lines.map((l) => `${input.file}: ${l}\n`).join(''));
    return 1;
  };
  let doc: unknown;
  try {
    doc = JSON.parse(input.text);
  } catch (err) {
    return fail([`not valid JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return fail(['expected a JSON object from apx to-json']);
  const format = (doc as Record<string, unknown>)['format'];
  if (format === AST_FORMAT) {
    const problems = astProblems(doc as Record<string, unknown>);
    if (problems.length > 0) return fail(problems);
    io.stdout.write(fromAstJson(doc as JsonAst));
    return 0;
  }
  if (format === MODEL_FORMAT) {
    const r = readModelJson(input.text);
    if ('errors' in r) return fail(r.errors.map((e) => `${e.path === '' ? '/' : e.path}: ${e.message}`));
    io.stdout.write(buildConfig(r.model));
    return 0;
  }
  return fail([`/format: must be "${MODEL_FORMAT}" (a model) or "${AST_FORMAT}" (a syntax tree), got ${JSON.stringify(format ?? null)}`]);
}

export const fromJson: ApxCommand<FromJsonArgs> = {
  command: 'from-json <file>',
  describe: 'turn apx JSON (model or syntax tree) back into config text',
  builder,
  run,
};
