/**
 * The words of httpd's error log for proxy failures: the client label, the route, the OS error text as APR
 * prints it (`(111)Connection refused`), and which backend errors are which httpd case.
 */
import type { IncomingMessage } from 'node:http';
import type { RouteResult } from './routes.js';
import { stripV4Mapped } from './select.js';

/** llhttp errors in the header section (the status line parsed): httpd's AH01106 "bad header" case. */
export const BAD_HEADER: ReadonlySet<string> = new Set([
  'HPE_INVALID_HEADER_TOKEN',
  'HPE_INVALID_CONTENT_LENGTH',
  'HPE_UNEXPECTED_CONTENT_LENGTH',
  'HPE_INVALID_TRANSFER_ENCODING',
  'HPE_HEADER_OVERFLOW',
  'HPE_CR_EXPECTED',
  'HPE_LF_EXPECTED',
]);

export function isTlsError(code: string): boolean {
  return /^(ERR_TLS_|ERR_SSL_|EPROTO$|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|CERT_|HOSTNAME_MISMATCH)/.test(code);
}

export function clientLabel(req: IncomingMessage): string {
  return `${stripV4Mapped(req.socket.remoteAddress)}:${req.socket.remotePort ?? 0}`;
}

export function routeLabel(routed: RouteResult): string {
  if (routed.kind !== 'proxy') return '-';
  const r = routed.route;
  const m = r.match.kind === 'prefix' ? r.match.path : `~ ${r.match.pattern}`;
  const where = r.span ? ` at ${r.span.file}:${r.span.line}` : '';
  return `${r.origin.directive} ${m} ${r.target?.url ?? '!'}${where}`;
}

const ERRNO: Readonly<Record<string, string>> = {
  ECONNREFUSED: '(111)Connection refused',
  ECONNRESET: '(104)Connection reset by peer',
  EHOSTUNREACH: '(113)No route to host',
  ENETUNREACH: '(101)Network is unreachable',
  ETIMEDOUT: '(70007)The timeout specified has expired',
  ECONNTIMEOUT: '(110)Connection timed out',
  ENOTFOUND: '(EAI 2)Name or service not known',
  EAI_AGAIN: '(EAI 3)Temporary failure in name resolution',
};

export function osError(code: string, message: string): string {
  return ERRNO[code] ?? `(${code})${message}`;
}
