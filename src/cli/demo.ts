/**
 * `apx demo` (and `npm start`): the classic tutorial end to end. Two built-in backends answer "Hello world!" and
 * "Howdy world!" on 127.0.0.1:8080 and :8081, and apx serves samples/000-default.balancer.conf — the tutorial's
 * balancer vhost, unchanged — in front of them; reloading the page alternates between the two answers
 * (lbmethod byrequests with equal weights: a, b, a, b …).
 *
 * When 8080 or 8081 is taken, that backend moves to a free port and the compiled model's member URLs are
 * rewritten to follow it (the file is never edited); the output says so. `PORT` picks the proxy's port
 * (default 8000; 0 = any free port) — the sample's `*:80` needs root, which a demo should not.
 */
import type { Argv } from 'yargs';
import type { Streams } from './io.js';
import { STDIN_ARG, UsageError } from './io.js';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { LoadArgs } from './load-options.js';
import { prepareConfig, runModel, type ServeStreams } from './serve.js';
import { startDemoBackends, TUTORIAL_BACKENDS, DEMO_HOST, type DemoBackend } from '../demo/backends.js';
import { remapBackends, type BackendMove } from '../demo/remap.js';
import { samplePath } from '../demo/samples.js';
import type { ApxCommand } from './command.js';
import { DEMO } from './specs.js';

export const DEMO_SAMPLE = '000-default.balancer.conf';
export const DEFAULT_DEMO_PORT = 8000;

export interface DemoArgs {
  port: number | undefined;
  'access-log': string | undefined;
}

/** `PORT` from the environment: a whole number 0–65535, or the default. */
export function demoPort(flag: number | undefined, env: NodeJS.ProcessEnv): number {
  if (flag !== undefined) {
    if (!Number.isInteger(flag) || flag < 0 || flag > 65535) throw new UsageError(`--port ${flag}: not a port number (0–65535; 0 = any free port)`);
    return flag;
  }
  const raw = env['PORT'];
  if (raw === undefined || raw.trim() === '') return DEFAULT_DEMO_PORT;
  if (!/^\d{1,5}$/.test(raw.trim()) || Number(raw) > 65535) throw new UsageError(`PORT=${raw}: not a port number (0–65535; 0 = any free port)`);
  return Number(raw);
}

/** The moves that point the sample's members (127.0.0.1:8080, :8081) at where the backends really listen. */
export function backendMoves(backends: readonly DemoBackend[]): BackendMove[] {
  return backends
    .filter((b) => b.port !== b.preferredPort)
    .map((b) => ({ from: { host: b.host, port: b.preferredPort }, to: { host: b.host, port: b.port } }));
}

function builder(y: Argv): Argv<DemoArgs> {
  return y
    .option('port', { alias: 'p', type: 'number', describe: `the proxy's port on 127.0.0.1 (default: $PORT, else ${DEFAULT_DEMO_PORT}; 0 = any free port)` })
    .option('access-log', { type: 'string', describe: 'write access log lines here: a path, - for stdout (default: none)' })
    .example('$0 demo', `http://127.0.0.1:${DEFAULT_DEMO_PORT}/ alternates "Hello world!" and "Howdy world!"`)
    .example('PORT=0 $0 demo', 'on any free port')
    .epilog('Ctrl-C stops the proxy and both backends.') as unknown as Argv<DemoArgs>;
}

async function run(args: DemoArgs, io: ServeStreams): Promise<number> {
  const port = demoPort(args.port, process.env);
  const logToStdout = args['access-log'] === '-' || args['access-log'] === STDIN_ARG;
  if (args['access-log'] !== undefined && !logToStdout) {
    throw new UsageError('apx demo --access-log takes - (stdout); use apx serve for a log file');
  }
  const accessLog = logToStdout ? io.stdout : null;
  const file = samplePath(DEMO_SAMPLE);
  const shown = relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file);
  // The sample is a vhost file with the a2enmod line in its comment; serve's lone-file reading assumes those modules.
  const noFlags: LoadArgs = { modules: undefined, 'server-root': undefined, define: undefined, 'no-tree': true };
  // Diagnostics about the bundled sample would be our bug, not the user's: they still go to stderr, unfiltered.
  const prepared = prepareConfig(shown, readFileSync(file, 'utf8'), noFlags, io);
  if (!prepared.ok) return prepared.exitCode;

  const backends = await startDemoBackends(TUTORIAL_BACKENDS, DEMO_HOST);
  try {
    const moves = backendMoves(backends);
    const model = remapBackends(prepared.model, moves);
    for (const b of backends) {
      const moved = b.port !== b.preferredPort ? ` (port ${b.preferredPort} was taken; the sample's member ${DEMO_HOST}:${b.preferredPort} is pointed here instead — the file is unchanged)` : '';
      io.stdout.write(`backend "${b.text}" on ${b.url}${moved}\n`);
    }
    return await runModel(
      model,
      {
        listen: [{ port: null, host: DEMO_HOST, listenPort: port }],
        accessLog,
        errorLog: io.stderr,
        banner: `apx serving ${shown}`,
        listenHint: 'pick another port with PORT=8001 npm start (PORT=0 takes any free port)',
        onStarted: () => io.stdout.write('Reload the page: the answer alternates between the two backends. Ctrl-C stops.\n'),
      },
      io,
    );
  } finally {
    await Promise.all(backends.map((b) => b.close()));
  }
}

export const demo: ApxCommand<DemoArgs> = {
  ...DEMO,
  builder,
  run: (args: DemoArgs, io: Streams) => run(args, io),
};
