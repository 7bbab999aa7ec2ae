/**
 * The client-side read deadlines of a server: mod_reqtimeout's `RequestReadTimeout` and core's `KeepAliveTimeout`,
 * parsed the way httpd's command handlers parse them, with httpd's start-up error text when they refuse a value.
 */
import { parseApacheTimeout } from '../directives/cnum.js';
import type { ReadTimeoutStage, RequestReadTimeout } from './types.js';

export type ReadTimeoutStageName = 'handshake' | 'header' | 'body';

/**
 * httpd's defaults when mod_reqtimeout is loaded and nothing is written (mod_reqtimeout.c MRT_DEFAULT_*):
 * `header=20-40,MinRate=500 body=20,MinRate=500`; the TLS handshake stage (2.4.39+) is off by default.
 */
export const DEFAULT_REQUEST_READ_TIMEOUT: RequestReadTimeout = {
  handshake: null,
  header: { initial: 20, max: 40, minRate: 500 },
  body: { initial: 20, max: null, minRate: 500 },
};

/** core.c DEFAULT_KEEPALIVE_TIMEOUT: 5 s. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5000;

/** httpd.h DEFAULT_KEEPALIVE: `MaxKeepAliveRequests 100`; `KeepAlive` On (config.c init_server_config sets both for the main server). */
export const DEFAULT_MAX_KEEP_ALIVE_REQUESTS = 100;
export const DEFAULT_KEEP_ALIVE = true;

export type RequestReadTimeoutParse =
  | { readonly ok: true; readonly stages: Partial<Record<ReadTimeoutStageName, ReadTimeoutStage | null>> }
  | { readonly ok: false; readonly arg: string | null; readonly message: string };

/** mod_reqtimeout.c parse_int(): strtol, then the whole rest must be consumed, and the value non-negative. */
function parseInt10(text: string): { value: number } | { error: string } {
  const m = /^[ \t\n\v\f\r]*[+-]?\d+/.exec(text);
  if (!m) return { error: `Value '${text}' not numerical` };
  if (m[0].length !== text.length) return { error: `Cannot parse '${text.slice(m[0].length)}'` };
  const value = Number.parseInt(m[0].trim(), 10);
  if (value < 0) return { error: 'Value must be non-negative' };
  return { value };
}

/** One `stage=timeout[-maxtimeout][,MinRate=rate]` value (mod_reqtimeout.c set_reqtimeout_param). */
function parseStage(val: string): { stage: ReadTimeoutStage | null } | { error: string } {
  let initialText = val;
  let max = 0;
  let rate = 0;
  // ap_strcasestr(val, ",minrate="): the rate is whatever follows, the timeouts whatever precedes.
  const at = val.toLowerCase().indexOf(',minrate=');
  if (at >= 0) {
    initialText = val.slice(0, at);
    const r = parseInt10(val.slice(at + ',minrate='.length));
    if ('error' in r) return r;
    if (r.value === 0) return { error: 'Minimum data rate must be larger than 0' };
    rate = r.value;
    const dash = initialText.indexOf('-');
    if (dash >= 0) {
      const m = parseInt10(initialText.slice(dash + 1));
      if ('error' in m) return m;
      max = m.value;
      initialText = initialText.slice(0, dash);
    }
  } else if (val.includes('-')) {
    return { error: 'Must set MinRate option if using timeout range' };
  }
  const i = parseInt10(initialText);
  if ('error' in i) return i;
  if (max !== 0 && i.value >= max) return { error: 'Maximum timeout must be larger than initial timeout' };
  // A stage whose timeout is 0 is off: no deadline for it (reqtimeout_filter: "no timeout set").
  return { stage: i.value === 0 ? null : { initial: i.value, max: max === 0 ? null : max, minRate: rate === 0 ? null : rate } };
}

/**
 * `RequestReadTimeout` arguments (mod_reqtimeout.c set_reqtimeouts, RAW_ARGS): each `key=value`, the keys `header`,
 * `body` and (2.4.39+) `handshake`, compared case-insensitively. The first bad word stops the directive, with
 * the message apache2 prints at start-up.
 */
export function parseRequestReadTimeout(args: readonly string[]): RequestReadTimeoutParse {
  const stages: Partial<Record<ReadTimeoutStageName, ReadTimeoutStage | null>> = {};
  for (const word of args) {
    const eq = word.indexOf('=');
    if (eq < 0) return { ok: false, arg: word, message: "Invalid RequestReadTimeout parameter. Parameter must be in the form 'key=value'" };
    const key = word.slice(0, eq);
    const val = word.slice(eq + 1);
    const stage = (['handshake', 'header', 'body'] as const).find((s) => s === key.toLowerCase());
    if (stage === undefined) return { ok: false, arg: word, message: `RequestReadTimeout: ${key}=${val}: Unknown RequestReadTimeout parameter` };
    const r = parseStage(val);
    if ('error' in r) return { ok: false, arg: word, message: `RequestReadTimeout: ${key}=${val}: ${r.error}` };
    stages[stage] = r.stage;
  }
  return { ok: true, stages };
}

/**
 * `KeepAliveTimeout` (core.c set_keep_alive_timeout: ap_timeout_parameter_parse, seconds by default): milliseconds,
 * or null where apache2 says "KeepAliveTimeout has wrong format".
 */
export function parseKeepAliveTimeout(arg: string): number | null {
  const micros = parseApacheTimeout(arg, 's');
  return micros === null ? null : micros / 1000;
}

/** `header=20-40,MinRate=500`: a stage as RequestReadTimeout writes it (`0` for a stage that is off). */
export function formatReadTimeoutStage(name: ReadTimeoutStageName, s: ReadTimeoutStage | null): string {
  if (s === null) return `${name}=0`;
  return `${name}=${s.initial}${s.max !== null ? `-${s.max}` : ''}${s.minRate !== null ? `,MinRate=${s.minRate}` : ''}`;
}
