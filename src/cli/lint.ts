/** `apx lint`: PLACEHOLDER until its issue lands; the owner replaces this file. */
import type { Argv } from 'yargs';
import { UsageError } from './io.js';
import type { ApxCommand } from './command.js';

export const lint: ApxCommand<Record<string, unknown>> = {
  command: 'lint <file>',
  describe: 'check a config for what breaks a reverse proxy',
  builder: (y: Argv) => y as unknown as Argv<Record<string, unknown>>,
  run: async () => {
    throw new UsageError('lint is not built yet');
  },
};
