/**
 * mod_ssl's session-resumption directives, read as apache2 reads them (checked with `apache2 -t`, 2.4.71):
 * - `SSLSessionCache` (ssl_engine_config.c ssl_cmd_SSLSessionCache, GLOBAL_ONLY: "cannot occur within
 *   <VirtualHost> section"): `none` and `nonenotnull` compared case-insensitively; anything else is an socache
 *   provider `name[:argument]`, looked up case-sensitively (`SHMCB` is "not supported"); shmcb's argument is
 *   `path[(size)]` with a size of at least 8192 bytes (mod_socache_shmcb.c socache_shmcb_create, default 512 KiB).
 * - `SSLSessionCacheTimeout` (per server): atoi, negative refused ("SSLSessionCacheTimeout: Invalid argument"), so
 *   `abc` and `10s` are 0 and 10.
 * - `SSLSessionTickets` (per server, FLAG): On or Off, "SSLSessionTickets must be On or Off".
 */
import { cAtoi } from '../directives/cnum.js';
import { parseFlag } from '../directives/shapes.js';
import type { SslSessionCache } from './types.js';

/** mod_ssl's defaults when a directive is not set: tickets On, cache `none`, timeout 300 s (SSL_SESSION_CACHE_TIMEOUT). */
export const DEFAULT_SESSION_TICKETS = true;
export const DEFAULT_SESSION_CACHE_TIMEOUT = 300;
/** mod_socache_shmcb.c: `ctx->shm_size = 1024*512` when the argument gives no size. */
export const SHMCB_DEFAULT_SIZE = 512 * 1024;
const SHMCB_MIN_SIZE = 8192;

/** The socache providers Debian's apache2 ships (mod_socache_*), and `default`, which mod_socache_shmcb registers. */
export const SOCACHE_PROVIDERS: Readonly<Record<string, string>> = { shmcb: 'socache_shmcb', default: 'socache_shmcb', dbm: 'socache_dbm', dc: 'socache_dc', memcache: 'socache_memcache', redis: 'socache_redis' };

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string; readonly hint: string };

const SHMCB_HINT = 'SSLSessionCache shmcb:${APACHE_RUN_DIR}/ssl_scache(512000)';

export function parseSessionCache(arg: string): Parsed<SslSessionCache> {
  if (/^none$/i.test(arg)) return { ok: true, value: { kind: 'none' } };
  if (/^nonenotnull$/i.test(arg)) return { ok: true, value: { kind: 'nonenotnull' } };
  const colon = arg.indexOf(':');
  const provider = colon >= 0 ? arg.slice(0, colon) : arg;
  const argument = colon >= 0 ? arg.slice(colon + 1) : null;
  if (!Object.hasOwn(SOCACHE_PROVIDERS, provider)) {
    return {
      ok: false,
      message: `SSLSessionCache: '${provider}' session cache not supported (known names: ${Object.keys(SOCACHE_PROVIDERS).join(',')}). Maybe you need to load the appropriate socache module (mod_socache_${provider}?).`,
      hint: Object.hasOwn(SOCACHE_PROVIDERS, provider.toLowerCase()) ? `SSLSessionCache ${provider.toLowerCase()}${argument !== null ? `:${argument}` : ''}` : SHMCB_HINT,
    };
  }
  if (provider !== 'shmcb' && provider !== 'default') return { ok: true, value: { kind: 'socache', provider, argument, sizeBytes: null } };
  const size = shmcbSize(argument);
  if (typeof size === 'string') return { ok: false, message: `SSLSessionCache: Invalid argument: ${size}`, hint: SHMCB_HINT };
  return { ok: true, value: { kind: 'socache', provider, argument, sizeBytes: size } };
}

/** mod_socache_shmcb.c socache_shmcb_create: the `(size)` at the end of `path(size)`, or why apache2 refuses it. */
function shmcbSize(argument: string | null): number | string {
  if (argument === null || argument === '') return SHMCB_DEFAULT_SIZE;
  const open = argument.lastIndexOf('(');
  const closes = argument.endsWith(')');
  if (open < 0) return closes ? 'no opening parenthesis' : SHMCB_DEFAULT_SIZE;
  if (!closes) return 'no closing parenthesis or cache size missing after pathname with parenthesis';
  const digits = argument.slice(open + 1, -1);
  // strtol(…, 10) must consume everything up to the `)`: an optional sign, then digits.
  if (!/^\s*[+-]?\d+$/.test(digits)) return 'cache size not numerical';
  const n = Number(digits.trim());
  if (n < SHMCB_MIN_SIZE) return `size has to be >= ${SHMCB_MIN_SIZE} bytes`;
  return n;
}

export function parseSessionCacheTimeout(arg: string): Parsed<number> {
  const n = cAtoi(arg);
  return n < 0 ? { ok: false, message: 'SSLSessionCacheTimeout: Invalid argument', hint: 'SSLSessionCacheTimeout 300' } : { ok: true, value: n };
}

/** A FLAG: the first word On or Off, the rest ignored (`SSLSessionTickets on extra` is Syntax OK). */
export function parseSessionTickets(args: readonly string[]): Parsed<boolean> {
  const on = parseFlag(args);
  return on === null ? { ok: false, message: 'SSLSessionTickets must be On or Off', hint: 'SSLSessionTickets off' } : { ok: true, value: on };
}
