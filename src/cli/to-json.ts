/** `apx to-json`: print the syntax tree (`--ast`) of a config file as JSON. */
import type { Argv } from 'yargs';
import { isError } from '../diagnostic.js';
import { parse } from '../syntax/parse.js';
import { toAstJson } from '../syntax/json.js';
import { readInput, type Streams, UsageError } from './io.js';
import { formatDiagnosticsText } from './report.js';
import type { ApxCommand } from './command.js';

export interface ToJsonArgs {
  file: string;
  ast: boolean;
  pretty: boolean;
}

function builder(y: Argv): Argv<ToJsonArgs> {
  return y
    .positional('file', { type: 'string', describe: 'config file, or - for standard input', demandOption: true })
    .option('ast', { type: 'boolean', default: false, describe: 'print the lossless syntax tree instead of the proxy model' })
    .option('pretty', { type: 'boolean', default: false, describe: 'indent the JSON for reading' })
    .example('$0 to-json --ast 000-default.conf', 'the syntax tree of one file')
    .example('cat site.conf | $0 to-json --ast - | jq \'.. | objects | select(.name? == "ProxyPass") | .args\'', 'every ProxyPass, from stdin') as unknown as Argv<ToJsonArgs>;
}

async function run(args: ToJsonArgs, io: Streams): Promise<number> {
  if (!args.ast) {
    throw new UsageError('to-json needs --ast for now: the proxy model output is not built yet');
  }
  const input = await readInput(args.file, io.stdin);
  const { ast, diagnostics } = parse(input.text, input.file);
  io.stderr.write(formatDiagnosticsText(diagnostics));
  if (diagnostics.some(isError)) return 1;
  io.stdout.write(JSON.stringify(toAstJson(ast), null, args.pretty ? 2 : undefined) + '\n');
  return 0;
}

export const toJson: ApxCommand<ToJsonArgs> = { command: 'to-json <file>', describe: 'print a config as JSON', builder, run };
