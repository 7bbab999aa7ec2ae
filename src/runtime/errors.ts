/**
 * Apache-style error responses. The wording is httpd 2.4's (modules/http/http_protocol.c get_canned_error_string
 * and ap_send_error_response; modules/proxy/proxy_util.c ap_proxyerror), checked byte for byte against Debian's
 * apache2 2.4.71 with `ServerSignature Off` (the default): a mod_proxy error carries the status line
 * `NNN Proxy Error`, an `<h1>Proxy Error</h1>` and a `Reason:` paragraph after the canned text.
 */

/** What the error page says beyond its status. */
export interface ErrorDetail {
  /** ap_proxyerror's message: turns the page into a "Proxy Error" page with a Reason paragraph. */
  readonly proxyReason?: string;
  /** The request method, for 405/501 wording. */
  readonly method?: string;
  /** Where a 301/302 points. */
  readonly location?: string;
}

export interface ErrorPage {
  readonly status: number;
  readonly statusMessage: string;
  readonly body: string;
}

const REASONS: Readonly<Record<number, string>> = {
  301: 'Moved Permanently',
  302: 'Found',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  421: 'Misdirected Request',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Error';
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/** get_canned_error_string: the paragraph(s) under the heading; `notes` is the error-notes a proxy error adds. */
function canned(status: number, detail: ErrorDetail, notes: string): string {
  switch (status) {
    case 301:
    case 302:
      return `<p>The document has moved <a href="${escapeHtml(detail.location ?? '')}">here</a>.</p>\n`;
    case 400:
      return `<p>Your browser sent a request that this server could not understand.<br />\n${notes}</p>\n`;
    case 403:
      return "<p>You don't have permission to access this resource.</p>\n";
    case 404:
      return '<p>The requested URL was not found on this server.</p>\n';
    case 421:
      return '<p>The client needs a new connection for this\nrequest as the requested host name does not match\nthe Server Name Indication (SNI) in use for this\nconnection.</p>\n';
    case 408:
      return '<p>Server timeout waiting for the HTTP request from the client.</p>\n';
    case 405:
      return `<p>The requested method ${escapeHtml(detail.method ?? 'GET')} is not allowed for this URL.</p>\n`;
    case 501:
      return `<p>${escapeHtml(detail.method ?? 'GET')} not supported for current URL.<br />\n</p>\n`;
    case 502:
      return `<p>The proxy server received an invalid\nresponse from an upstream server.<br />\n${notes}</p>\n`;
    case 503:
      return (
        '<p>The server is temporarily unable to service your\n' +
        'request due to maintenance downtime or capacity\n' +
        'problems. Please try again later.</p>\n'
      );
    case 504:
      return `<p>The gateway did not receive a timely response\nfrom the upstream server or application.</p>\n`;
    case 500:
    default:
      // With error-notes (every mod_proxy 500) httpd prints only the notes; otherwise its generic text.
      if (notes) return `${notes}<p />\n`;
      return (
        '<p>The server encountered an internal error or\n' +
        'misconfiguration and was unable to complete\n' +
        'your request.</p>\n' +
        '<p>More information about this error may be available\n' +
        'in the server error log.</p>\n'
      );
  }
}

/** The page httpd sends for `status`; `proxyReason` makes it ap_proxyerror's "Proxy Error" variant. */
export function errorPage(status: number, detail: ErrorDetail = {}): ErrorPage {
  const proxy = detail.proxyReason !== undefined;
  const statusMessage = proxy ? 'Proxy Error' : reasonPhrase(status);
  const notes = proxy ? `The proxy server could not handle the request<p>Reason: <strong>${escapeHtml(detail.proxyReason ?? '')}</strong></p>` : '';
  const body =
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n' +
    '<html><head>\n' +
    `<title>${status} ${statusMessage}</title>\n` +
    '</head><body>\n' +
    `<h1>${statusMessage}</h1>\n` +
    canned(status, detail, notes) +
    '</body></html>\n';
  return { status, statusMessage, body };
}

/** The Content-Type httpd gives its own error pages. */
export const ERROR_CONTENT_TYPE = 'text/html; charset=iso-8859-1';
