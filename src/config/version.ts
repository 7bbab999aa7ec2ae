/**
 * `<IfVersion>` as mod_version.c start_ifversion() evaluates it against the server's version:
 *
 *   <IfVersion 2.4>            equal (missing minor/patch count as 0)
 *   <IfVersion [!]op version>  op is = == < <= > >= ; `!` negates
 *   <IfVersion [!]~ regex>     the regex is matched against "major.minor.patch"
 *   <IfVersion [!][=]= /regex/>
 *
 * A version that is not `major[.minor[.patch]]` digits, an unknown operator or a bad regex is a syntax error
 * that stops httpd.
 */
import { APACHE_VERSION } from '../directives/index.js';

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** The registry's server, e.g. "Apache/2.4.71 (Debian)" → 2.4.71. */
export function serverVersion(): Version {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(APACHE_VERSION);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : { major: 2, minor: 4, patch: 0 };
}

export type IfVersionResult = { readonly ok: true; readonly value: boolean } | { readonly ok: false; readonly error: string };

const INVALID_VERSION = 'the version must have the format major[.minor[.patch]] where major, minor and patch are numbers';

/** compare_version: -1, 0 or 1 for the server against `text`, or null when `text` is not a version. */
function compareVersion(server: Version, text: string): number | null {
  if (!/^\d+(\.\d*){0,2}$/.test(text)) return null;
  const parts = text.split('.').map((p) => (p === '' ? 0 : Number(p)));
  const want = [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
  const have = [server.major, server.minor, server.patch];
  for (let i = 0; i < 3; i++) {
    if (have[i]! > want[i]!) return 1;
    if (have[i]! < want[i]!) return -1;
  }
  return 0;
}

function matchRegex(server: Version, source: string): IfVersionResult {
  try {
    return { ok: true, value: new RegExp(source).test(`${server.major}.${server.minor}.${server.patch}`) };
  } catch {
    return { ok: false, error: `"${source}" is not a regular expression httpd can compile` };
  }
}

export function evaluateIfVersion(args: readonly string[], server: Version = serverVersion()): IfVersionResult {
  if (args.length === 0 || args.length > 2) return { ok: false, error: '<IfVersion> takes [[!]operator] version' };
  let op = args.length === 1 ? '=' : args[0]!;
  const version = args.length === 1 ? args[0]! : args[1]!;
  let reverse = false;
  if (op.startsWith('!') && op.length > 1) {
    reverse = true;
    op = op.slice(1);
  }
  let result: IfVersionResult;
  switch (op) {
    case '=':
    case '==':
      if (version.startsWith('/')) {
        if (version.length < 2 || !version.endsWith('/')) return { ok: false, error: 'missing delimiting / of the regular expression' };
        result = matchRegex(server, version.slice(1, -1));
      } else {
        const c = compareVersion(server, version);
        result = c === null ? { ok: false, error: INVALID_VERSION } : { ok: true, value: c === 0 };
      }
      break;
    case '~':
      result = matchRegex(server, version);
      break;
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const c = compareVersion(server, version);
      if (c === null) return { ok: false, error: INVALID_VERSION };
      const orEqual = op.length === 2 && c === 0;
      result = { ok: true, value: (op[0] === '<' ? c === -1 : c === 1) || orEqual };
      break;
    }
    default:
      return { ok: false, error: `unrecognized operator '${args[0]}': use = == < <= > >= ~ (optionally after !)` };
  }
  return result.ok && reverse ? { ok: true, value: !result.value } : result;
}
