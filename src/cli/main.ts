/**
 * The `apx` command line: yargs commands that parse flags, call the library, print, and choose the exit code
 * — 0 clean, 1 problems found, 2 usage or fatal error. Results go to stdout, diagnostics to stderr.
 */
import yargs from 'yargs';
import { readFileSync } from 'node:fs';
import { processStreams, STDIN_ARG, type Streams, UsageError } from './io.js';
import { commands } from './commands.js';

/** apx's own package.json: two levels up from src/cli, three from dist/src/cli. */
function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'apx' && pkg.version) return pkg.version;
    } catch {
      // try the next layout
    }
  }
  return 'unknown';
}

export async function main(argv: readonly string[], io: Streams = processStreams): Promise<number> {
  let exitCode = 0;
  let usageFailure: string | undefined;
  const run = (p: Promise<number>): Promise<void> =>
    p.then((code) => {
      exitCode = code;
    });

  // yargs-parser reads a lone `-` as a flag; hand it a placeholder that readInput maps back to stdin.
  const args = argv.map((a) => (a === '-' ? STDIN_ARG : a));
  let cli = yargs()
    .scriptName('apx')
    .usage('$0 <command> [options]\n\nApache httpd configuration as a language: parse, check, translate and run reverse-proxy configs.');
  // Only the command being run is loaded (its flags, its code); the others are listed for `apx --help` and for
  // yargs' "did you mean". yargs runs the command named by the first word that is not a flag.
  const named = args.find((a) => !a.startsWith('-'));
  for (const c of commands) {
    if (c.name === named) {
      const impl = await c.load();
      cli = cli.command(c.command, c.describe, impl.builder as never, (a) => run(impl.run(a as never, io)));
    } else {
      cli = cli.command(c.command, c.describe);
    }
  }
  cli = cli
    // `--no-tree` is a flag of its own (src/cli/load-options.ts), not the negation of a `tree` flag, in every command.
    .parserConfiguration({ 'boolean-negation': false })
    .demandCommand(1, 'name a command')
    .strict()
    .recommendCommands()
    .version(packageVersion())
    .alias('h', 'help')
    .alias('v', 'version')
    .example('$0 to-json --ast /etc/apache2/sites-available/000-default.conf', 'the syntax tree of a site')
    .epilog('Exit codes: 0 clean, 1 problems found, 2 usage or fatal error.')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // Throwing stops yargs from running a command after a usage failure.
      if (err && !(err instanceof UsageError)) throw err;
      throw new UsageError(err ? err.message : msg);
    });

  try {
    // With a callback yargs hands us --help/--version text instead of printing it, so it goes to io.stdout.
    await cli.parseAsync(args, {}, (_err, _argv, output) => {
      if (output) io.stdout.write(output.endsWith('\n') ? output : output + '\n');
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    usageFailure = err.message;
  }
  if (usageFailure !== undefined) {
    // Point at the help of the command the user was typing, when there is one.
    const sub = commands.map((c) => c.command.split(' ')[0]!).find((name) => name === argv[0]);
    io.stderr.write(`apx: ${usageFailure}\nRun 'apx ${sub !== undefined ? `${sub} ` : ''}--help' for usage.\n`);
    return 2;
  }
  return exitCode;
}
