/**
 * Hostile requests and the status httpd 2.4.71 answers each with (observed with test/differential/hardening.test.ts,
 * which checks this table against a real Apache). `/app` is proxied to a backend the config names; `{{TRAP}}` is a
 * host:port no config names.
 */
export interface HardeningCase {
  readonly name: string;
  readonly bytes: string;
  readonly status: number;
  /** apx's answer where it deliberately differs (docs/hardening.md says why). */
  readonly apx?: { readonly status: number; readonly why: string };
}

const H = 'Host: a\r\n';
const fields = (n: number): string => Array.from({ length: n }, (_, i) => `X-${i}: v\r\n`).join('');
const line = (len: number): string => `GET /app/${'x'.repeat(len - 'GET /app/ HTTP/1.1'.length)} HTTP/1.1\r\n${H}\r\n`;
const field = (len: number): string => `GET /app/x HTTP/1.1\r\n${H}X-A: ${'x'.repeat(len - 'X-A: '.length)}\r\n\r\n`;

export const HARDENING_CASES: readonly HardeningCase[] = [
  { name: 'plain request', bytes: `GET /app/x HTTP/1.1\r\n${H}\r\n`, status: 200 },
  // Request smuggling (RFC 9112 §6.1): with both, Transfer-Encoding wins and Content-Length is dropped.
  { name: 'Content-Length and Transfer-Encoding: chunked', bytes: `POST /app/x HTTP/1.1\r\n${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`, status: 200,
    apx: { status: 400, why: "Node's parser (llhttp) refuses the pair outright; httpd drops Content-Length and closes the connection after. Both stop the smuggling; apx is stricter." } },
  { name: 'Transfer-Encoding: gzip (not chunked last)', bytes: `POST /app/x HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n`, status: 400 },
  { name: 'two different Content-Length', bytes: `POST /app/x HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`, status: 400 },
  { name: 'two equal Content-Length', bytes: `POST /app/x HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`, status: 400 },
  { name: 'Content-Length list', bytes: `POST /app/x HTTP/1.1\r\n${H}Content-Length: 3, 3\r\n\r\nabc`, status: 400 },
  { name: 'negative Content-Length', bytes: `POST /app/x HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`, status: 400 },
  { name: 'signed Content-Length', bytes: `POST /app/x HTTP/1.1\r\n${H}Content-Length: +3\r\n\r\nabc`, status: 400 },
  { name: 'space before the colon', bytes: `GET /app/x HTTP/1.1\r\n${H}X-A : b\r\n\r\n`, status: 400 },
  { name: 'NUL in a header value', bytes: `GET /app/x HTTP/1.1\r\n${H}X-A: a\0b\r\n\r\n`, status: 400 },
  // LimitRequestLine 8190 / LimitRequestFieldSize 8190 / LimitRequestFields 100 (core.c defaults).
  { name: 'request line of 9000 bytes', bytes: line(9000), status: 414 },
  { name: 'request line of 8190 bytes', bytes: line(8190), status: 200 },
  { name: 'header field of 9000 bytes', bytes: field(9000), status: 400 },
  { name: 'header field of 8190 bytes', bytes: field(8190), status: 200 },
  { name: '100 header fields', bytes: `GET /app/x HTTP/1.1\r\n${H}${fields(99)}\r\n`, status: 200 },
  { name: '101 header fields', bytes: `GET /app/x HTTP/1.1\r\n${H}${fields(100)}\r\n`, status: 400 },
  // Host (RFC 9112 §3.2, vhost.c fix_hostname).
  { name: 'HTTP/1.1 without Host', bytes: 'GET /app/x HTTP/1.1\r\n\r\n', status: 400 },
  { name: 'HTTP/1.0 without Host', bytes: 'GET /app/x HTTP/1.0\r\n\r\n', status: 200 },
  { name: 'empty Host', bytes: 'GET /app/x HTTP/1.1\r\nHost: \r\n\r\n', status: 400 },
  { name: 'Host with a space', bytes: 'GET /app/x HTTP/1.1\r\nHost: a b\r\n\r\n', status: 400 },
  { name: 'Host with a slash', bytes: 'GET /app/x HTTP/1.1\r\nHost: a/b\r\n\r\n', status: 400 },
  { name: 'Host with a bad port', bytes: 'GET /app/x HTTP/1.1\r\nHost: a:xx\r\n\r\n', status: 400 },
  { name: 'two Host headers', bytes: 'GET /app/x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', status: 400 },
  { name: 'Host with userinfo', bytes: 'GET /app/x HTTP/1.1\r\nHost: u@a\r\n\r\n', status: 400 },
  { name: 'Host with an empty label', bytes: 'GET /app/x HTTP/1.1\r\nHost: a..b\r\n\r\n', status: 400 },
  { name: 'Host with a bad IPv6 literal', bytes: 'GET /app/x HTTP/1.1\r\nHost: [zz]\r\n\r\n', status: 400 },
  { name: 'Host IPv6 literal', bytes: 'GET /app/x HTTP/1.1\r\nHost: [::1]:80\r\n\r\n', status: 200 },
  { name: 'Host with an underscore', bytes: 'GET /app/x HTTP/1.1\r\nHost: a_b\r\n\r\n', status: 200 },
  // Traversal (server/util.c ap_getparents; request.c refuses a path that climbs above /).
  { name: '/../ above the root', bytes: `GET /../etc/passwd HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: '/app/../../ above the root', bytes: `GET /app/../../etc/passwd HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: 'encoded %2e%2e above the root', bytes: `GET /app/%2e%2e/%2e%2e/etc HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: '.. inside the path', bytes: `GET /x/../app/y HTTP/1.1\r\n${H}\r\n`, status: 200 },
  // No header may pick the backend: an absolute-form target or Host naming another host is served locally.
  { name: 'absolute-form target naming another host', bytes: 'GET http://{{TRAP}}/app/x HTTP/1.1\r\nHost: {{TRAP}}\r\n\r\n', status: 200 },
  { name: 'Host and X-Forwarded-Host naming another host', bytes: 'GET /app/x HTTP/1.1\r\nHost: {{TRAP}}\r\nX-Forwarded-Host: {{TRAP}}\r\nX-Forwarded-Server: {{TRAP}}\r\n\r\n', status: 200 },
  { name: 'absolute-form target outside any ProxyPass', bytes: 'GET http://{{TRAP}}/other HTTP/1.1\r\nHost: a\r\n\r\n', status: 404 },
  { name: 'CONNECT to another host', bytes: 'CONNECT {{TRAP}} HTTP/1.1\r\nHost: {{TRAP}}\r\n\r\n', status: 405 },
  // Request line.
  { name: 'bad method token', bytes: `G(T /app/x HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: 'unknown method token', bytes: `FOO /app/x HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: 'request line of 8191 bytes', bytes: line(8191), status: 200 },
  { name: 'request line of 8192 bytes', bytes: line(8192), status: 414 },
  { name: 'header field of 8191 bytes', bytes: field(8191), status: 200 },
  { name: 'header field of 8192 bytes', bytes: field(8192), status: 400 },
  { name: 'header field of 8193 bytes', bytes: field(8193), status: 400 },
  { name: 'Host port 65536', bytes: 'GET /app/x HTTP/1.1\r\nHost: a:65536\r\n\r\n', status: 400 },
  { name: 'Host empty port', bytes: 'GET /app/x HTTP/1.1\r\nHost: a:\r\n\r\n', status: 400 },
  { name: 'Host trailing dot', bytes: 'GET /app/x HTTP/1.1\r\nHost: a.\r\n\r\n', status: 200 },
  { name: 'Host leading dot', bytes: 'GET /app/x HTTP/1.1\r\nHost: .a\r\n\r\n', status: 200 },
  { name: 'HTTP/1.0 bad Host', bytes: 'GET /app/x HTTP/1.0\r\nHost: a b\r\n\r\n', status: 400 },
  { name: 'lower-case protocol', bytes: `GET /app/x http/1.1\r\n${H}\r\n`, status: 400 },
];
