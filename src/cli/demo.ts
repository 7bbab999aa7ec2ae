/** `apx demo`: PLACEHOLDER until its issue lands; the owner replaces this file. */
import type { Argv } from 'yargs';
import { UsageError } from './io.js';
import type { ApxCommand } from './command.js';

export const demo: ApxCommand<Record<string, unknown>> = {
  command: 'demo',
  describe: "run the tutorial's balancer example with two built-in backends",
  builder: (y: Argv) => y as unknown as Argv<Record<string, unknown>>,
  run: async () => {
    throw new UsageError('demo is not built yet');
  },
};
