/**
 * The C library number parsing mod_proxy relies on, reproduced so apx accepts exactly what httpd accepts:
 * `timeout=3abc` is 3, `timeout=soon` is 0, `loadfactor=0x10` is 16 (glibc on 64-bit Linux, as Debian builds it).
 */

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

/** strtol(s, NULL, 10) on LP64: leading white space, a sign, decimal digits; clamps on overflow. */
export function cStrtol(s: string): bigint {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)/.exec(s)!;
  if (m[2] === '') return 0n;
  const n = BigInt(m[1] === '-' ? `-${m[2]}` : m[2]!);
  return n > LONG_MAX ? LONG_MAX : n < LONG_MIN ? LONG_MIN : n;
}

/** atol(): strtol's value (long is 64 bits on Debian amd64/arm64). */
export function cAtol(s: string): number {
  return Number(cStrtol(s));
}

/** atoi(): glibc computes (int) strtol(), so an overflowing long wraps to 32 bits. */
export function cAtoi(s: string): number {
  return Number(BigInt.asIntN(32, cStrtol(s)));
}

/**
 * atof(): strtod's value — decimal with exponent, C99 hexadecimal (`0x10`), `inf`/`nan`; no digits gives 0.
 */
export function cAtof(s: string): number {
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?/.exec(t);
  if (hex && (hex[2] !== '' || (hex[3] ?? '') !== '')) {
    const frac = hex[3] ?? '';
    let v = parseInt(hex[2] || '0', 16) + (frac ? parseInt(frac, 16) / 16 ** frac.length : 0);
    if (hex[4]) v *= 2 ** Number(hex[4]);
    return hex[1] === '-' ? -v : v;
  }
  const special = /^([+-]?)(inf(inity)?|nan)/i.exec(t);
  if (special) {
    const v = special[2]!.toLowerCase().startsWith('inf') ? Infinity : NaN;
    return special[1] === '-' ? -v : v;
  }
  const dec = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(t);
  return dec ? Number(dec[0]) : 0;
}

const INT64_MAX = (1n << 63n) - 1n;

/**
 * util.c ap_timeout_parameter_parse(): a decimal count (apr_strtoi64) and a unit — `ms`, `s`, `mi[n]`, `h`,
 * or `defaultUnit` when nothing follows the number. Only the unit's first letters are read (`5sec` is 5 s,
 * `soon` is 0 s). Microseconds, or null where httpd reports "has wrong format" (unknown unit, negative value,
 * overflow — negative values are refused by 2.4.71, checked with `ping=-5`).
 */
export function parseApacheTimeout(value: string, defaultUnit: 's' | 'ms'): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)/.exec(value)!;
  let count = 0n;
  let rest = value;
  if (m[2] !== '') {
    count = BigInt(m[1] === '-' ? `-${m[2]}` : m[2]!);
    if (count > INT64_MAX || count < -INT64_MAX - 1n) return null; // ERANGE
    rest = value.slice(m[0].length);
  }
  if (count < 0n) return null;
  const unit = rest === '' ? defaultUnit : rest;
  let micros: bigint;
  if (unit.startsWith('s')) micros = count * 1_000_000n;
  else if (unit.startsWith('h')) micros = count * 3_600_000_000n;
  else if (unit.startsWith('ms')) micros = count * 1000n;
  else if (unit.startsWith('mi')) micros = count * 60_000_000n;
  else return null;
  return Number(micros);
}
