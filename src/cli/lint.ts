/**
 * `apx lint FILE|DIR|-`: every problem of a config in one run — syntax, resolution and rule diagnostics — on
 * stdout in the chosen format. Exit 0 when clean (warnings allowed up to --max-warnings), 1 when there are errors
 * or too many warnings, 2 on usage errors. A directory is read as a whole server tree (its apache2.conf).
 */
import { statSync } from 'node:fs';
import type { Argv } from 'yargs';
import { load } from '../config/index.js';
import { rootFileIn } from '../config/tree.js';
import { nodeFs } from '../config/fs.js';
import type { LoadResult } from '../config/types.js';
import { lint as runLint, RULES, type RuleSetting } from '../lint/index.js';
import { FORMATTERS, formatterNames, shouldColor, type FormatterName } from '../lint/formatters/index.js';
import { sourcesOf } from '../lint/sources.js';
import { readInput, type Streams, UsageError } from './io.js';
import { loadOptionsFrom, withLoadOptions, type LoadArgs } from './load-options.js';
import type { ApxCommand } from './command.js';
import { LINT } from './specs.js';

export interface LintArgs extends LoadArgs {
  /** Optional to yargs, so a missing FILE gets apx's own message (and a typo'd flag yargs' "Unknown argument"). */
  file: string | undefined;
  format: string;
  rule: string | string[] | undefined;
  'max-warnings': number;
}

const SETTINGS: Readonly<Record<string, RuleSetting>> = { off: 'off', '0': 'off', warn: 'warn', warning: 'warn', '1': 'warn', error: 'error', '2': 'error' };

/** `--rule id=off|warn|error` (repeatable, or comma-separated) → overrides; unknown ids and settings are usage errors. */
export function parseRuleFlags(values: readonly string[]): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  const ids = new Set(RULES.map((r) => r.meta.id));
  for (const item of values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '')) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new UsageError(`--rule ${item}: write RULE=off, RULE=warn or RULE=error`);
    const id = item.slice(0, eq);
    const setting = SETTINGS[item.slice(eq + 1).toLowerCase()];
    if (setting === undefined) throw new UsageError(`--rule ${item}: the setting must be off, warn or error`);
    // Load codes (syntax/…, config/…) can be overridden too; rule ids must exist.
    if (!ids.has(id) && !/^(syntax|config)\/[a-z0-9-]+$/.test(id)) {
      throw new UsageError(`--rule ${item}: no rule named ${id} (rules: ${[...ids].join(', ')})`);
    }
    out[id] = setting;
  }
  return out;
}


/** The FILE argument, or the usage error a new user needs to see when it is missing. */
function fileArg(args: LintArgs): string {
  if (args.file === undefined || args.file === '') throw new UsageError('apx lint needs FILE: a config file, a server tree directory, or - for standard input');
  return args.file;
}

function builder(y: Argv): Argv<LintArgs> {
  const base = y
    .usage(`$0 lint <file> [options]\n\n${LINT.describe}: syntax, includes and modules as httpd reads them, then ${RULES.length} rules. Every problem of one run, with the fix.`)
    .positional('file', { type: 'string', describe: 'config file, a server tree directory, or - for standard input' })
    .option('format', { alias: 'f', type: 'string', choices: formatterNames, default: 'stylish', describe: 'output format' })
    .option('rule', { type: 'string', requiresArg: true, describe: 'set a rule: RULE=off|warn|error (repeatable)' })
    .option('max-warnings', { type: 'number', default: -1, describe: 'exit 1 when there are more warnings than this (-1: no limit)' });
  return withLoadOptions(base)
    // Short commands: yargs gives the command column the width of the longest one.
    .example('$0 lint site.conf', 'a site file, in its server tree (/etc/apache2) if it has one')
    .example('$0 lint /etc/apache2', 'a whole server tree')
    .example('cat site.conf | $0 lint -', 'standard input, in a default Debian context')
    .example('$0 lint --modules proxy,proxy_http x.conf', 'a file, with the modules that will be loaded')
    .example('$0 lint -f sarif x.conf > apx.sarif', 'SARIF for code-scanning uploads (also json, github)')
    .example('$0 lint --max-warnings 0 x.conf', 'fail on warnings too (exit 1)')
    .example('$0 lint --rule nginx-variable=off x.conf', 'turn one rule off (or =warn, =error)')
    .epilog(`Rules: ${RULES.map((r) => r.meta.id).join(', ')} (docs/rules/<rule>.md).\nSilence one line with a comment above it: # apx-disable-next-line RULE[, RULE]\nExit codes: 0 no errors (warnings up to --max-warnings), 1 errors or too many warnings, 2 usage error.`) as unknown as Argv<LintArgs>;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function loadArgs(file: string, args: LintArgs, io: Streams): Promise<LoadResult> {
  const options = loadOptionsFrom(args);
  if (file !== '-' && !file.startsWith('\u0000') && isDirectory(file)) {
    // A directory is a server tree: read its root file as httpd would (apache2 -d DIR).
    const tree = rootFileIn(nodeFs, file);
    if (!tree) throw new UsageError(`${file} is a directory with no apache2.conf or httpd.conf; give a file, or a server tree`);
    return load({ file: tree.rootFile }, { ...options, serverRoot: options.serverRoot ?? file });
  }
  const input = await readInput(file, io.stdin);
  return load({ file: input.file, text: input.text }, options);
}

async function run(args: LintArgs, io: Streams): Promise<number> {
  const file = fileArg(args);
  const rules = parseRuleFlags(args.rule === undefined ? [] : Array.isArray(args.rule) ? args.rule : [args.rule]);
  const maxWarnings = args['max-warnings'];
  if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new UsageError('--max-warnings takes a whole number (-1 for no limit)');
  const loaded = await loadArgs(file, args, io);
  const result = runLint(loaded, { rules });
  const format = args.format as FormatterName;
  const stdout = io.stdout as NodeJS.WritableStream & { isTTY?: boolean };
  const tooManyWarnings = maxWarnings >= 0 && result.warningCount > maxWarnings;
  let text = FORMATTERS[format](result, {
    sources: format === 'stylish' ? sourcesOf(loaded, result.diagnostics) : new Map(),
    color: shouldColor(process.env, stdout.isTTY === true),
    assumptions: loaded.assumptions,
    cwd: process.cwd(),
  });
  if (format === 'stylish' && tooManyWarnings) text += `\napx found too many warnings (${result.warningCount}; --max-warnings is ${maxWarnings}).\n`;
  io.stdout.write(text);
  return result.errorCount > 0 || tooManyWarnings ? 1 : 0;
}

export const lint: ApxCommand<LintArgs> = {
  ...LINT,
  builder,
  run,
};
