/**
 * A model the runtime cannot serve, found at start-up (an lbmethod nobody registered, `Listen … https` without
 * a certificate, a `--listen` for a port the config does not listen on, an unreadable certificate file). The
 * message is one line in the user's terms; `hint` says what to change. Nothing has been bound when it is thrown.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  constructor(
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
  }
}
