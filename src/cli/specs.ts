/**
 * The name and one-line description of every subcommand, apart from its code: `apx --help` lists them all, but
 * a run loads only the command it runs (src/cli/commands.ts). `apx lint` then never loads the runtime, ajv or
 * http-proxy — ~90 ms of start-up on the 2-core machine the benchmarks run on.
 */
export interface CommandSpec {
  /** yargs command string: `to-json [file]`. */
  readonly command: string;
  readonly describe: string;
}

export const LINT: CommandSpec = { command: 'lint [file]', describe: 'check a config for what breaks a reverse proxy' };
export const TO_JSON: CommandSpec = { command: 'to-json [file]', describe: 'print the proxy model (or, with --ast, the syntax tree) of a config as JSON' };
export const FROM_JSON: CommandSpec = { command: 'from-json [file]', describe: 'turn apx JSON (model or syntax tree) back into config text' };
export const SERVE: CommandSpec = { command: 'serve <file>', describe: 'run the bundled reverse proxy for a config, as Apache would serve it' };
export const DEMO: CommandSpec = { command: 'demo', describe: "run the tutorial's balancer example with two built-in backends" };
