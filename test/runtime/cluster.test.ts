/** The V8 flags `apx serve --workers N` gives its worker processes (src/runtime/cluster.ts). */
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../src/runtime/cluster.js';

describe('workerExecArgv', () => {
  const table: [string, string[], string | undefined, string[]][] = [
    ['adds the heap flags before the primary’s own', ['--enable-source-maps'], undefined, ['--max-semi-space-size=2', '--max-old-space-size=384', '--enable-source-maps']],
    ['a flag on the command line wins', ['--max-old-space-size=4096'], undefined, ['--max-semi-space-size=2', '--max-old-space-size=4096']],
    ['a flag in NODE_OPTIONS wins', [], '--max-semi-space-size=16', ['--max-old-space-size=384']],
    ['the underscore spelling counts as the same flag', [], '--max_old_space_size=2048 --max_semi_space_size=8', []],
  ];
  it.each(table)('%s', (_name, execArgv, nodeOptions, expected) => {
    expect(workerExecArgv(execArgv, nodeOptions)).toEqual(expected);
  });

  it('a config serving TLS gets a 32 MB semi-space; a user flag still wins', () => {
    expect(workerExecArgv([], undefined, true)).toEqual(['--max-semi-space-size=32', '--max-old-space-size=384']);
    expect(workerExecArgv([], '--max-semi-space-size=4', true)).toEqual(['--max-old-space-size=384']);
  });
});
