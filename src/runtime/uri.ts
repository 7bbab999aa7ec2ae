/**
 * The request-target as httpd reads it before mod_proxy sees it (server/protocol.c ap_parse_uri,
 * server/request.c ap_process_request_internal, server/util.c ap_normalize_path and ap_unescape_url_ex):
 *
 *   1. absolute-form (`GET http://h/p`) keeps only its path and query for routing (ProxyRequests Off never
 *      forwards to an authority taken from the request, CVE-2011-3368); its host stands in for Host;
 *   2. normalise the path: decode %-escapes of unreserved characters, merge runs of `/` (MergeSlashes On, the
 *      default), resolve `.` and `..` segments — going above the root, or a bad %-escape, is a 400;
 *   3. decode every remaining %-escape; an encoded `/` is a 404 under `AllowEncodedSlashes Off`, kept encoded
 *      under `NoDecode`, decoded under `On`; a decoded NUL is a 404.
 *
 * The result is `r->uri`, the decoded path every ProxyPass is matched against.
 */

export interface ParsedTarget {
  readonly ok: true;
  /** Decoded, normalised path (httpd's r->uri). */
  readonly path: string;
  /** The path as it came on the request line (httpd's r->unparsed_uri without the query), for `nocanon`. */
  readonly rawPath: string;
  /** Query string without `?`, or null when there was no `?`. */
  readonly query: string | null;
  /** The authority of an absolute-form target (used as the Host), else null. */
  readonly authority: string | null;
}

export interface TargetError {
  readonly ok: false;
  readonly status: 400 | 404;
  /** Error log text (httpd's wording where it has one). */
  readonly log: string;
}

export type EncodedSlashes = 'off' | 'on' | 'nodecode';

const UNRESERVED = /[A-Za-z0-9\-._~]/;

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * ap_normalize_path with AP_NORMALIZE_NOT_ABOVE_ROOT | DECODE_UNRESERVED | MERGE_SLASHES. Returns null where httpd
 * returns 0 (a bad %-escape, `..` above the root, a path not starting with `/`).
 */
export function normalizePath(input: string, mergeSlashes = true): string | null {
  if (input[0] !== '/') return null;
  // Nothing to decode, merge or resolve: the usual path is already normal.
  if (!input.includes('%') && !input.includes('/.') && !(mergeSlashes && input.includes('//'))) return input;
  const path = input.split('');
  let ok = true;
  let l = 1;
  let w = 1;
  const at = (i: number): string => path[i] ?? '';
  const isSlashOrNul = (i: number): boolean => at(i) === '/' || at(i) === '';
  while (at(l) !== '') {
    if (at(l) === '%') {
      const h1 = hexVal(at(l + 1).charCodeAt(0));
      const h2 = hexVal(at(l + 2).charCodeAt(0));
      if (h1 >= 0 && h2 >= 0) {
        const c = String.fromCharCode(h1 * 16 + h2);
        if (UNRESERVED.test(c)) {
          l += 2;
          path[l] = c;
        }
      } else ok = false;
    }
    if (w === 0 || path[w - 1] === '/') {
      if (mergeSlashes && at(l) === '/') {
        do l++;
        while (at(l) === '/');
        continue;
      }
      if (at(l) === '.') {
        if (isSlashOrNul(l + 1)) {
          l++;
          if (at(l) !== '') l++;
          continue;
        }
        let n = l + 1;
        let dotdot = at(n) === '.';
        if (!dotdot && at(n) === '%' && at(n + 1) === '2' && (at(n + 2) === 'e' || at(n + 2) === 'E')) {
          n += 2;
          dotdot = true;
        }
        if (dotdot && isSlashOrNul(n + 1)) {
          if (w > 1) {
            do w--;
            while (w && path[w - 1] !== '/');
          } else ok = false; // above the root
          l = n + 1;
          if (at(l) !== '') l++;
          continue;
        }
      }
    }
    path[w++] = path[l++]!;
  }
  return ok ? path.slice(0, w).join('') : null;
}

/**
 * ap_unescape_url_ex after normalisation: every %XX decoded (as bytes, read as UTF-8), except that under
 * AllowEncodedSlashes NoDecode `%2F` stays as written. Returns a status when httpd refuses.
 */
export function unescapePath(path: string, encodedSlashes: EncodedSlashes): string | 400 | 404 {
  if (!path.includes('%')) return path;
  const bytes: number[] = [];
  for (let i = 0; i < path.length; i++) {
    const ch = path.charCodeAt(i);
    if (ch === 0x25) {
      const h1 = hexVal(path.charCodeAt(i + 1));
      const h2 = hexVal(path.charCodeAt(i + 2));
      if (h1 < 0 || h2 < 0) return 400;
      const b = h1 * 16 + h2;
      if (b === 0x2f) {
        if (encodedSlashes === 'off') return 404;
        if (encodedSlashes === 'nodecode') {
          bytes.push(0x25, path.charCodeAt(i + 1), path.charCodeAt(i + 2));
          i += 2;
          continue;
        }
      }
      if (b === 0) return 404;
      bytes.push(b);
      i += 2;
    } else {
      for (const b of Buffer.from(path[i]!, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Split and canonicalise a request-target (origin-form or absolute-form). */
export function parseRequestTarget(target: string, encodedSlashes: EncodedSlashes): ParsedTarget | TargetError {
  let authority: string | null = null;
  let rest = target;
  const abs = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)(.*)$/.exec(target);
  if (abs) {
    authority = abs[1]!.replace(/^[^@]*@/, '');
    rest = abs[2] || '/';
    if (rest[0] === '?') rest = `/${rest}`;
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const rawPath = q >= 0 ? rest.slice(0, q) : rest;
  const query = q >= 0 ? rest.slice(q + 1) : null;
  const normal = normalizePath(rawPath);
  if (normal === null) return { ok: false, status: 400, log: `AH10244: invalid URI path (${target})` };
  const decoded = unescapePath(normal, encodedSlashes);
  if (decoded === 400) return { ok: false, status: 400, log: `AH10244: invalid URI path (${target})` };
  if (decoded === 404) {
    return { ok: false, status: 404, log: `AH00026: found %2f (encoded '/') in URI path (${target}), returning 404` };
  }
  return { ok: true, path: decoded, rawPath, query, authority };
}

/**
 * ap_proxy_canonenc for a path (enc_path): what mod_proxy_http puts on the backend request line. Alphanumerics,
 * `/` and ``~$-_.+!*'(),;:@&=`` stay; every other byte is %XX (upper case). Under AllowEncodedSlashes NoDecode a
 * `%2F` left in the path stays as is.
 */
/** A path of only the characters enc_path leaves as they are. */
const PLAIN_PATH = /^[A-Za-z0-9/~$\-_.+!*'(),;:@&=]*$/;

export function encodePath(path: string, keepEncodedSlashes = false): string {
  if (PLAIN_PATH.test(path)) return path;
  let out = '';
  const bytes = Buffer.from(path, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const c = String.fromCharCode(b);
    if (keepEncodedSlashes && b === 0x25 && bytes[i + 1] === 0x32 && (bytes[i + 2] === 0x46 || bytes[i + 2] === 0x66)) {
      out += '%2F';
      i += 2;
      continue;
    }
    if (b < 0x80 && (/[A-Za-z0-9]/.test(c) || "/~$-_.+!*'(),;:@&=".includes(c))) out += c;
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Control characters or spaces in a query string: httpd answers 403 rather than forwarding them. */
export function queryIsUnsafe(query: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x20\x7f]/.test(query);
}
