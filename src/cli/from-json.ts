/** `apx from-json`: PLACEHOLDER until its issue lands; the owner replaces this file. */
import type { Argv } from 'yargs';
import { UsageError } from './io.js';
import type { ApxCommand } from './command.js';

export const fromJson: ApxCommand<Record<string, unknown>> = {
  command: 'from-json <file>',
  describe: 'turn apx JSON (model or syntax tree) back into config text',
  builder: (y: Argv) => y as unknown as Argv<Record<string, unknown>>,
  run: async () => {
    throw new UsageError('from-json is not built yet');
  },
};
