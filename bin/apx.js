#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the `prepare` script).
import { main } from '../dist/src/cli/main.js';

// `apx to-json big.conf | head`: the reader went away; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit at once: every result is already written (stdout/stderr writes to files and pipes are synchronous on
    // Linux), and letting Node tear down a large heap costs hundreds of milliseconds on big configs.
    process.stdout.write('', () => process.exit(code));
  },
  (err) => {
    // Last-resort guard: apx never shows a stack trace for user input; this is an internal fault.
    process.stderr.write(`apx: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
