/**
 * `KeepAlive` / `MaxKeepAliveRequests` lines apache2 2.4.71 refuses at start-up, with the message it prints after
 * "AH00526: Syntax error on line N of FILE:", and lines it accepts. keep-alive.test.ts expects apx's compiler to say
 * the same; test/differential/keep-alive.test.ts checks each against the real server.
 */
export const KEEP_ALIVE_REFUSALS: readonly (readonly [directive: string, message: string])[] = [
  // http_core.c registers KeepAlive with AP_INIT_FLAG: config.c refuses any first word but on/off, and no word.
  ['KeepAlive maybe', 'KeepAlive must be On or Off'],
  ['KeepAlive 0', 'KeepAlive must be On or Off'],
  ['KeepAlive', 'KeepAlive must be On or Off'],
  // TAKE1.
  ['MaxKeepAliveRequests', 'MaxKeepAliveRequests takes one argument, Maximum number of Keep-Alive requests per connection, or 0 for infinite'],
  ['MaxKeepAliveRequests 1 2', 'MaxKeepAliveRequests takes one argument, Maximum number of Keep-Alive requests per connection, or 0 for infinite'],
];

/** Accepted by apache2 -t: FLAG ignores words after the first; set_keep_alive_max is a bare atoi(). */
export const KEEP_ALIVE_ACCEPTED: readonly string[] = [
  'KeepAlive oFf',
  'KeepAlive On Off',
  'MaxKeepAliveRequests abc',
  'MaxKeepAliveRequests -5',
  'MaxKeepAliveRequests 12x',
];
