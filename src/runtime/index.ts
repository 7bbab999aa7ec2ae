/**
 * src/runtime: the bundled reverse proxy, built from a ProxyModel only. PLACEHOLDER until the runtime lands
 * (issue 5); the signatures below are the contract src/cli/serve.ts and the tests code against.
 */
import type { ProxyModel } from '../model/types.js';

/** `--listen [PORT=]HOST:PORT`: serve the model's listener on PORT (all of them when null) at host:listenPort. */
export interface ListenOverride {
  readonly port: number | null;
  readonly host: string;
  /** 0 picks a free port. */
  readonly listenPort: number;
}

export interface ServeOptions {
  readonly listen?: readonly ListenOverride[];
  /** Where access log lines go instead of the model's CustomLog targets (`--access-log -` → stdout); null = nowhere. */
  readonly accessLog?: NodeJS.WritableStream | null;
  /** Where error log lines go instead of the model's ErrorLog (default: stderr). */
  readonly errorLog?: NodeJS.WritableStream;
}

export interface BoundAddress {
  readonly host: string;
  readonly port: number;
  /** The model listener port this socket serves (80 for `*:80` served on 127.0.0.1:8000). */
  readonly servesPort: number;
  readonly url: string;
}

export interface RunningProxy {
  readonly addresses: readonly BoundAddress[];
  /** Stop accepting, let in-flight requests finish, then resolve. */
  close(): Promise<void>;
}

/** A listen failure in the user's terms (EADDRINUSE, EACCES), with the `--listen` hint. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    message: string,
    readonly code: string,
    readonly host: string,
    readonly port: number,
  ) {
    super(message);
  }
}

export async function startProxy(_model: ProxyModel, _options: ServeOptions = {}): Promise<RunningProxy> {
  throw new Error('src/runtime startProxy() is not built yet');
}
