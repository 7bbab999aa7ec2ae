/** The rate limit on restarting crashed `apx serve --workers N` workers (src/runtime/cluster.ts). */
import { describe, expect, it } from 'vitest';
import { RESTART_LIMIT, RestartLimiter } from '../../src/runtime/cluster.js';

describe('RestartLimiter', () => {
  const table: [string, number[], boolean[]][] = [
    ['five restarts in the window are allowed, the sixth is not', [0, 1, 2, 3, 4, 5], [true, true, true, true, true, false]],
    ['restarts older than the window no longer count', [0, 1, 2, 3, 4, 10_000], [true, true, true, true, true, true]],
    ['one just inside the window still counts', [0, 1, 2, 3, 4, 9_999], [true, true, true, true, true, false]],
    ['spread out restarts go on forever', [0, 3_000, 6_000, 9_000, 12_000, 15_000, 18_000, 21_000], Array(8).fill(true)],
  ];
  it.each(table)('%s', (_name, times, expected) => {
    const l = new RestartLimiter();
    expect(times.map((t) => l.allow(t))).toEqual(expected);
  });
  it('defaults to 5 in 10 s', () => {
    expect(RESTART_LIMIT).toEqual({ max: 5, windowMs: 10_000 });
  });
});
