/** Every subcommand, in the order `apx --help` lists them. */
import { register, type RegisteredCommand } from './command.js';
import { lint } from './lint.js';
import { toJson } from './to-json.js';
import { fromJson } from './from-json.js';
import { serve } from './serve.js';
import { demo } from './demo.js';

export const commands: readonly RegisteredCommand[] = [register(lint), register(toJson), register(fromJson), register(serve), register(demo)];
