/**
 * Every subcommand, in the order `apx --help` lists them: its name and description (src/cli/specs.ts) and how to
 * load its code, which main.ts does only for the command being run.
 */
import { register, type RegisteredCommand } from './command.js';
import { DEMO, FROM_JSON, LINT, SERVE, TO_JSON, type CommandSpec } from './specs.js';

export interface CommandEntry extends CommandSpec {
  /** The first word of `command`: what the user types. */
  readonly name: string;
  load(): Promise<RegisteredCommand>;
}

function entry(spec: CommandSpec, load: () => Promise<RegisteredCommand>): CommandEntry {
  return { ...spec, name: spec.command.split(' ')[0]!, load };
}

export const commands: readonly CommandEntry[] = [
  entry(LINT, async () => register((await import('./lint.js')).lint)),
  entry(TO_JSON, async () => register((await import('./to-json.js')).toJson)),
  entry(FROM_JSON, async () => register((await import('./from-json.js')).fromJson)),
  entry(SERVE, async () => register((await import('./serve.js')).serve)),
  entry(DEMO, async () => register((await import('./demo.js')).demo)),
];
