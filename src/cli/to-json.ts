/**
 * `apx to-json`: the proxy model of a config as JSON (default), or its lossless syntax tree (`--ast`).
 * The output is deterministic — same input, same bytes — so it can be diffed and committed.
 */
import type { Argv } from 'yargs';
import { isError } from '../diagnostic.js';
import { parse } from '../syntax/parse.js';
import { toAstJson } from '../syntax/json.js';
import { compile, redactSecrets } from '../model/index.js';
import { readInput, type Streams } from './io.js';
import { loadFromArgs, withLoadOptions, type LoadArgs } from './load-options.js';
import { formatDiagnosticsText } from './report.js';
import type { ApxCommand } from './command.js';

export interface ToJsonArgs extends LoadArgs {
  file: string;
  ast: boolean;
  pretty: boolean;
  'show-secrets': boolean;
}

function builder(y: Argv): Argv<ToJsonArgs> {
  const base = y
    .positional('file', { type: 'string', describe: 'config file, or - for standard input', demandOption: true })
    .option('ast', { type: 'boolean', default: false, describe: 'print the lossless syntax tree instead of the proxy model' })
    .option('pretty', { type: 'boolean', default: false, describe: 'indent the JSON for reading' })
    .option('show-secrets', { type: 'boolean', default: false, describe: 'keep passwords in URLs and secret directives (redacted by default)' });
  // yargs would read `--no-tree` as the negation of a `tree` flag; the shared option is named no-tree itself.
  return withLoadOptions(base.parserConfiguration({ 'boolean-negation': false }))
    .example('$0 to-json --pretty /etc/apache2/sites-available/000-default.conf', 'the proxy model of a site, in its Debian context')
    .example('$0 to-json --server-root /etc/apache2 /etc/apache2/apache2.conf', 'the model of a whole server tree')
    .example("$0 to-json site.conf | jq '.virtualHosts[].routes[] | {match, target: .target.url}'", 'every route and where it goes')
    .example('$0 to-json --ast 000-default.conf', 'the syntax tree of one file')
    .example('$0 to-json site.conf | $0 from-json -', 'the config text the model describes') as unknown as Argv<ToJsonArgs>;
}

async function runAst(args: ToJsonArgs, io: Streams): Promise<number> {
  const input = await readInput(args.file, io.stdin);
  const { ast, diagnostics } = parse(input.text, input.file);
  io.stderr.write(formatDiagnosticsText(diagnostics));
  if (diagnostics.some(isError)) return 1;
  io.stdout.write(JSON.stringify(toAstJson(ast), null, args.pretty ? 2 : undefined) + '\n');
  return 0;
}

async function run(args: ToJsonArgs, io: Streams): Promise<number> {
  if (args.ast) return runAst(args, io);
  const loaded = await loadFromArgs(args.file, args, io);
  const { model, diagnostics } = compile(loaded);
  const all = [...loaded.diagnostics, ...diagnostics];
  io.stderr.write(formatDiagnosticsText(all));
  if (model === null) return 1;
  // The model is printed whenever there is one; errors (what apache2 would refuse: the rules they concern are
  // left out of the model) make the exit code 1, warnings do not.
  const out = args['show-secrets'] ? model : redactSecrets(model);
  io.stdout.write(JSON.stringify(out, null, args.pretty ? 2 : undefined) + '\n');
  return all.some(isError) ? 1 : 0;
}

export const toJson: ApxCommand<ToJsonArgs> = { command: 'to-json <file>', describe: 'print the proxy model (or, with --ast, the syntax tree) of a config as JSON', builder, run };
