/**
 * What httpd refuses while reading a request, before any handler runs (server/protocol.c ap_read_request,
 * server/vhost.c fix_hostname), checked on what Node's parser (llhttp) accepted:
 *
 * - `LimitRequestLine` (default 8190): a longer request line is 414 Request-URI Too Long.
 * - `LimitRequestFieldSize` (8190): a longer header line is 400 Bad Request.
 * - `LimitRequestFields` (100): more header lines are 400.
 * - HTTP/1.1 without Host, a repeated Host, or a Host that is not `name[:port]` / `[IPv6][:port]` is 400.
 *
 * llhttp itself already refuses, with 400, what httpd's strict parser refuses (conflicting or malformed
 * Content-Length, a Transfer-Encoding that does not end in chunked, bad header tokens, NUL bytes, bare LF) — see
 * docs/hardening.md for the one case it answers differently (Content-Length with Transfer-Encoding).
 */
import { isIP } from 'node:net';

export interface RequestLimits {
  /** LimitRequestLine: bytes of the request line, without CRLF. */
  readonly requestLine: number;
  /** LimitRequestFieldSize: bytes of one header line. */
  readonly fieldSize: number;
  /** LimitRequestFields: header lines. */
  readonly fields: number;
}

/** core.c defaults (DEFAULT_LIMIT_REQUEST_LINE, _FIELDSIZE, _FIELDS). */
export const DEFAULT_LIMITS: RequestLimits = { requestLine: 8190, fieldSize: 8190, fields: 100 };

export interface Refusal {
  readonly status: 400 | 414;
  /** The error-log line, with httpd's AH number. */
  readonly log: string;
}

export interface RequestHead {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  /** Node's rawHeaders: name, value, name, value … */
  readonly rawHeaders: readonly string[];
}

/**
 * The first thing httpd would refuse in this request head, or null. A limit of 0 means unlimited for the field
 * count, as in httpd.
 */
export function checkRequestHead(head: RequestHead, limits: RequestLimits = DEFAULT_LIMITS): Refusal | null {
  const lineLength = head.method.length + 1 + head.url.length + 1 + 'HTTP/'.length + head.httpVersion.length;
  // httpd reads the line into a buffer of limit+2 bytes (CRLF included): observed on 2.4.71, 8191 bytes pass.
  if (lineLength > limits.requestLine + 1) {
    return { status: 414, log: `AH00565: request failed: client's request-line exceeds LimitRequestLine (longer than ${limits.requestLine})` };
  }
  const count = head.rawHeaders.length / 2;
  if (limits.fields > 0 && count > limits.fields) {
    return { status: 400, log: `AH00563: request failed: error reading the headers (more than LimitRequestFields ${limits.fields} header lines)` };
  }
  let hosts = 0;
  let host: string | null = null;
  for (let i = 0; i < head.rawHeaders.length; i += 2) {
    const name = head.rawHeaders[i]!;
    const value = head.rawHeaders[i + 1]!;
    if (name.length + 2 + value.length > limits.fieldSize + 1) {
      return { status: 400, log: `AH00561: Size of a request header field exceeds server limit (LimitRequestFieldSize ${limits.fieldSize}): ${name}` };
    }
    if (name.length === 4 && name.toLowerCase() === 'host') {
      hosts++;
      host = value;
    }
  }
  if (hosts > 1) return { status: 400, log: 'AH00550: Client sent malformed Host header (more than one Host)' };
  if (host === null) {
    if (head.httpVersion === '1.1' || head.httpVersion > '1.1') return { status: 400, log: 'AH00569: client sent HTTP/1.1 request without hostname (see RFC2616 section 14.23)' };
    return null;
  }
  if (!validHost(host)) return { status: 400, log: `AH00550: Client sent malformed Host header: ${host}` };
  return null;
}

/**
 * vhost.c fix_hostname: `[IPv6]` or a name of letters, digits, `-`, `_` and `.` without empty labels, then an
 * optional `:port` of digits (≤ 65535). An empty Host is malformed.
 */
export function validHost(host: string): boolean {
  let name = host;
  let port: string | null = null;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return false;
    if (isIP(host.slice(1, end)) !== 6) return false;
    const rest = host.slice(end + 1);
    if (rest === '') return true;
    if (!rest.startsWith(':')) return false;
    port = rest.slice(1);
    name = '';
  } else {
    const c = host.lastIndexOf(':');
    if (c >= 0) {
      port = host.slice(c + 1);
      name = host.slice(0, c);
    }
    if (name === '' || !/^[A-Za-z0-9._-]+$/.test(name) || name.includes('..')) return false;
  }
  // `a:` (an empty port) is refused too (observed on httpd 2.4.71).
  if (port !== null && (!/^\d+$/.test(port) || Number(port) > 65535)) return false;
  return true;
}
