/**
 * `apx from-json`: JSON from `apx to-json` back to config text. A model (`"format": "apx-model"`) becomes the
 * config it describes; a syntax tree (`"format": "apx-ast"`) becomes the original file, byte for byte.
 * JSON that is not what to-json writes is refused with the JSON pointer of every problem (exit 1).
 */
import type { Argv } from 'yargs';
import { buildConfig } from '../build/index.js';
import { readModelValue } from '../model/index.js';
import { MODEL_FORMAT } from '../model/types.js';
import { AST_FORMAT, checkAstJson, parseJson, writeAstText, type JsonAst, type JsonProblem } from '../syntax/json.js';
import { readInput, UsageError, type Streams } from './io.js';
import type { ApxCommand } from './command.js';
import { FROM_JSON } from './specs.js';

export interface FromJsonArgs {
  /** Optional to yargs so that a mistyped flag is reported as such (a demanded positional is checked first). */
  file: string | undefined;
}


function builder(y: Argv): Argv<FromJsonArgs> {
  return y
    .usage(`$0 from-json <file>\n\n${FROM_JSON.describe}`)
    .positional('file', { type: 'string', describe: 'JSON file from apx to-json, or - for standard input' })
    .example('$0 to-json site.conf > site.json && $0 from-json site.json', 'the config a model describes')
    .example('$0 to-json --ast site.conf | $0 from-json -', 'the original file, byte for byte')
    .epilog(
      [
        'The kind of JSON is read from its "format" field: "apx-model" (checked against the model\'s JSON Schema) or "apx-ast".',
        'Exit codes: 0 config written to stdout, 1 the JSON is not what apx to-json writes (each problem on stderr with its JSON pointer), 2 usage error or unreadable file.',
      ].join('\n'),
    ) as unknown as Argv<FromJsonArgs>;
}

/** `file:line:col: message` for JSON that does not parse, `file: /json/pointer: message` for a bad value. */
function formatProblem(file: string, p: JsonProblem): string {
  if (p.line !== undefined) return `${file}:${p.line}:${p.column ?? 1}: ${p.message}\n`;
  return p.path === '' ? `${file}: ${p.message}\n` : `${file}: ${p.path}: ${p.message}\n`;
}

async function run(args: FromJsonArgs, io: Streams): Promise<number> {
  if (args.file === undefined || args.file === '') throw new UsageError('from-json needs FILE: JSON from apx to-json, or - to read standard input');
  const input = await readInput(args.file, io.stdin);
  const fail = (problems: readonly JsonProblem[]): number => {
    io.stderr.write(problems.map((p) => formatProblem(input.file, p)).join(''));
    return 1;
  };
  const parsed = parseJson(input.text);
  if ('problem' in parsed) return fail([parsed.problem]);
  const doc = parsed.value;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return fail([{ path: '', message: `expected a JSON object from apx to-json, got ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : `a ${typeof doc}`}` }]);
  }
  const format = (doc as Record<string, unknown>)['format'];
  if (format === AST_FORMAT) {
    const problems = checkAstJson(doc);
    if (problems.length > 0) return fail(problems);
    // In chunks: a deep tree of generated lines can be longer than one JavaScript string may be.
    writeAstText(doc as JsonAst, (chunk) => io.stdout.write(chunk));
    return 0;
  }
  if (format === MODEL_FORMAT) {
    const r = readModelValue(doc);
    if ('errors' in r) return fail(r.errors);
    io.stdout.write(buildConfig(r.model));
    return 0;
  }
  return fail([{ path: '/format', message: `must be "${MODEL_FORMAT}" (a model, from apx to-json) or "${AST_FORMAT}" (a syntax tree, from apx to-json --ast), got ${JSON.stringify(format ?? null)}` }]);
}

export const fromJson: ApxCommand<FromJsonArgs> = {
  ...FROM_JSON,
  builder,
  run,
};
