/**
 * `apx to-json`: the proxy model of a config as JSON (default), or its lossless syntax tree (`--ast`).
 * The output is deterministic — same input, same bytes — so it can be diffed and committed.
 */
import type { Argv } from 'yargs';
import { isError } from '../diagnostic.js';
import { parse } from '../syntax/parse.js';
import { toAstJson, writeJson } from '../syntax/json.js';
import { compile, redactSecrets } from '../model/index.js';
import { readInput, UsageError, type Streams } from './io.js';
import { loadFromArgs, withLoadOptions, type LoadArgs } from './load-options.js';
import { formatDiagnosticsText } from './report.js';
import type { ApxCommand } from './command.js';
import { TO_JSON } from './specs.js';

export interface ToJsonArgs extends LoadArgs {
  /** Optional to yargs so that a mistyped flag is reported as such (a demanded positional is checked first). */
  file: string | undefined;
  ast: boolean;
  pretty: boolean;
  'show-secrets': boolean;
}


function builder(y: Argv): Argv<ToJsonArgs> {
  const base = y
    .usage(`$0 to-json <file> [options]\n\n${TO_JSON.describe}`)
    .positional('file', { type: 'string', describe: 'config file, or - for standard input' })
    .option('ast', { type: 'boolean', default: false, describe: 'print the lossless syntax tree instead of the proxy model' })
    .option('pretty', { type: 'boolean', default: false, describe: 'indent the JSON for reading' })
    .option('show-secrets', { type: 'boolean', default: false, describe: 'keep passwords in URLs and secret directives (redacted by default)' });
  return withLoadOptions(base)
    .example('$0 to-json --pretty /etc/apache2/sites-available/000-default.conf', 'the proxy model of a site, in its Debian context')
    .example('$0 to-json --server-root /etc/apache2 /etc/apache2/apache2.conf', 'the model of a whole server tree')
    .example("$0 to-json site.conf | jq '.virtualHosts[].routes[] | {match, target: .target.url}'", 'every route and where it goes')
    .example('$0 to-json --ast 000-default.conf', 'the syntax tree of one file')
    .example('$0 to-json site.conf | $0 from-json -', 'the config text the model describes')
    .epilog(
      [
        'The model is described in docs/model.md; its JSON Schema is src/model/schema.json. Output is deterministic: the same input gives the same bytes.',
        'Exit codes: 0 JSON printed; 1 the config has errors apache2 would refuse it for (diagnostics on stderr, the model still printed when there is one) or, with --ast, does not parse; 2 usage error or unreadable file.',
      ].join('\n'),
    ) as unknown as Argv<ToJsonArgs>;
}

/**
 * JSON.stringify's bytes, written in chunks by an explicit-stack serializer: a syntax tree nests as deep as the
 * file's sections, and V8's recursive JSON.stringify overflows near 2,000 levels where httpd has no limit.
 */
function printJson(value: unknown, pretty: boolean, io: Streams): void {
  writeJson(value, pretty ? 2 : undefined, (chunk) => io.stdout.write(chunk));
  io.stdout.write('\n');
}

/** The FILE argument, or the usage error a new user needs to see when it is missing. */
function fileArg(args: ToJsonArgs): string {
  if (args.file === undefined || args.file === '') throw new UsageError('to-json needs FILE: a config file, or - to read standard input');
  return args.file;
}

async function runAst(args: ToJsonArgs, io: Streams): Promise<number> {
  const input = await readInput(fileArg(args), io.stdin);
  const { ast, diagnostics } = parse(input.text, input.file);
  io.stderr.write(formatDiagnosticsText(diagnostics));
  if (diagnostics.some(isError)) return 1;
  printJson(toAstJson(ast), args.pretty, io);
  return 0;
}

async function run(args: ToJsonArgs, io: Streams): Promise<number> {
  if (args.ast) return runAst(args, io);
  const loaded = await loadFromArgs(fileArg(args), args, io);
  const { model, diagnostics } = compile(loaded);
  const all = [...loaded.diagnostics, ...diagnostics];
  io.stderr.write(formatDiagnosticsText(all));
  if (model === null) return 1;
  // The model is printed whenever there is one; errors (what apache2 would refuse: the rules they concern are
  // left out of the model) make the exit code 1, warnings do not.
  const out = args['show-secrets'] ? model : redactSecrets(model);
  printJson(out, args.pretty, io);
  return all.some(isError) ? 1 : 0;
}

export const toJson: ApxCommand<ToJsonArgs> = { ...TO_JSON, builder, run };
