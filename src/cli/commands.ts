/** Every subcommand, in the order `apx --help` lists them. */
import { register, type RegisteredCommand } from './command.js';
import { toJson } from './to-json.js';

export const commands: readonly RegisteredCommand[] = [register(toJson)];
