/** The shape every `apx` subcommand module exports, so main.ts only lists them. */
import type { Argv } from 'yargs';
import type { Streams } from './io.js';

export interface ApxCommand<A = Record<string, unknown>> {
  /** yargs command string: `to-json <file>`. */
  readonly command: string;
  readonly describe: string;
  readonly builder: (y: Argv) => Argv<A>;
  /** Returns the exit code: 0 clean, 1 problems found, 2 usage or fatal (throw UsageError for usage). */
  readonly run: (args: A, io: Streams) => Promise<number>;
}

/** A command with its argument type forgotten, so commands of different shapes share one list. */
export type RegisteredCommand = ApxCommand<unknown>;

export function register<A>(c: ApxCommand<A>): RegisteredCommand {
  // Sound because yargs hands `run` exactly what `builder` declared.
  return c as unknown as RegisteredCommand;
}
