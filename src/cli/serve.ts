/** `apx serve`: PLACEHOLDER until its issue lands; the owner replaces this file. */
import type { Argv } from 'yargs';
import { UsageError } from './io.js';
import type { ApxCommand } from './command.js';

export const serve: ApxCommand<Record<string, unknown>> = {
  command: 'serve <file>',
  describe: 'run the bundled reverse proxy for a config',
  builder: (y: Argv) => y as unknown as Argv<Record<string, unknown>>,
  run: async () => {
    throw new UsageError('serve is not built yet');
  },
};
