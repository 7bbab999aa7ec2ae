/**
 * mod_log_config's LogFormat language, compiled once into a list of parts and rendered per request. Covers the
 * directives in Apache 2.4's documentation that make sense for a proxy (%h %a %A %l %u %t %{fmt}t %r %s %>s %b %B
 * %O %I %S %D %T %{ms}T %{X}i %{X}o %{X}e %{X}C %v %V %p %{remote}p %U %q %m %H %f %P %k %X %L %R %n); status
 * conditions (`%400,501{User-Agent}i`, `%!200,304{Referer}i`) too. Values are escaped as ap_escape_logitem does
 * (`"` and `\` backslashed, control and non-ASCII bytes as \xhh), so log parsers read apx lines like Apache's.
 */
import { headerValues } from './headers.js';

/** Everything a log line may need about one request. */
export interface LogRecord {
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly localIp: string;
  readonly localPort: number;
  /** The first line of the request, e.g. `GET /x?y HTTP/1.1`. */
  readonly requestLine: string;
  readonly method: string;
  readonly protocol: string;
  /** Decoded path (r->uri) and query without `?` (null: none). */
  readonly path: string;
  readonly query: string | null;
  readonly status: number;
  /** Request start, ms since epoch, and duration in microseconds. */
  readonly start: number;
  readonly durationUs: number;
  readonly bytesBody: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
  readonly requestHeaders: readonly (readonly [string, string])[];
  readonly responseHeaders: readonly (readonly [string, string])[];
  /** The vhost's ServerName (%v) and the Host the client asked for (%V). */
  readonly serverName: string;
  readonly requestHostname: string;
  /** The handler's file name: `proxy:http://backend/x` for proxied requests. */
  readonly filename: string;
  readonly handler: string;
  /** Requests served on this connection before this one (%k). */
  readonly keepAliveCount: number;
  /** %X: `X` aborted, `+` may be kept alive, `-` closed. */
  readonly connectionStatus: 'X' | '+' | '-';
  /** Environment variables mod_proxy_balancer sets (BALANCER_NAME, BALANCER_WORKER_NAME …). */
  readonly env: Readonly<Record<string, string>>;
}

type Part = string | ((r: LogRecord) => string);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** Printable ASCII without `"` and `\`: what ap_escape_logitem leaves as it is. */
const PLAIN_LOG_ITEM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** ap_escape_logitem. */
export function escapeLogItem(s: string): string {
  // Most items (request lines, user agents, host names) need no escaping: one regex test instead of a byte walk.
  if (PLAIN_LOG_ITEM.test(s)) return s;
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

function tzOffset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${sign}${p2(Math.floor(a / 60))}${p2(a % 60)}`;
}

let clfCache = { second: NaN, text: '' };

/**
 * `[25/Nov/2026:12:34:59 +0000]`: the %t form (local time, as httpd). Every request of one second shares the
 * text, so it is built once per second (mod_log_config keeps a small cache of formatted times for the same reason).
 */
export function clfTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second === clfCache.second) return clfCache.text;
  const d = new Date(ms);
  const text = `[${p2(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${tzOffset(d)}]`;
  clfCache = { second, text };
  return text;
}

/** A small strftime for %{format}t. */
function strftime(fmt: string, ms: number): string {
  const d = new Date(ms);
  return fmt.replace(/%([a-zA-Z%])/g, (_m, c: string) => {
    switch (c) {
      case 'Y': return String(d.getFullYear());
      case 'y': return p2(d.getFullYear() % 100);
      case 'm': return p2(d.getMonth() + 1);
      case 'd': return p2(d.getDate());
      case 'e': return String(d.getDate()).padStart(2, ' ');
      case 'H': return p2(d.getHours());
      case 'M': return p2(d.getMinutes());
      case 'S': return p2(d.getSeconds());
      case 'b': case 'h': return MONTHS[d.getMonth()]!;
      case 'a': return DAYS[d.getDay()]!;
      case 'z': return tzOffset(d);
      case 'T': return `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
      case 'F': return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
      case 's': return String(Math.floor(ms / 1000));
      case '%': return '%';
      default: return `%${c}`;
    }
  });
}

function timeDirective(arg: string | null): (r: LogRecord) => string {
  if (arg === null) return (r) => clfTime(r.start);
  let a = arg;
  let end = false;
  if (a.startsWith('begin:')) a = a.slice(6);
  else if (a.startsWith('end:')) {
    a = a.slice(4);
    end = true;
  }
  const when = (r: LogRecord): number => (end ? r.start + r.durationUs / 1000 : r.start);
  switch (a) {
    case 'sec': return (r) => String(Math.floor(when(r) / 1000));
    case 'msec': return (r) => String(Math.floor(when(r)));
    case 'usec': return (r) => String(Math.floor(when(r) * 1000));
    case 'msec_frac': return (r) => String(Math.floor(when(r)) % 1000).padStart(3, '0');
    case 'usec_frac': return (r) => String(Math.floor(when(r) * 1000) % 1_000_000).padStart(6, '0');
    default: return (r) => strftime(a, when(r));
  }
}

/** Every value of header `name`, joined with ", " as apr_table_get of a merged table shows them. */
function header(list: readonly (readonly [string, string])[], name: string): string | undefined {
  const values = headerValues(list, name);
  return values.length ? values.join(', ') : undefined;
}

function cookie(list: readonly (readonly [string, string])[], name: string): string | undefined {
  const c = header(list, 'cookie');
  if (!c) return undefined;
  for (const part of c.split(/[;,]/)) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

const dash = (s: string | undefined | null): string => (s === undefined || s === null || s === '' ? '-' : escapeLogItem(s));

function directive(code: string, arg: string | null): ((r: LogRecord) => string) | null {
  switch (code) {
    case 'h':
    case 'a':
      return arg === 'c' || code === 'h' || arg === null ? (r) => r.remoteIp : (r) => r.remoteIp;
    case 'A': return (r) => r.localIp;
    case 'l': return () => '-';
    case 'u': return () => '-';
    case 't': return timeDirective(arg);
    case 'r': return (r) => escapeLogItem(r.requestLine);
    case 's': return (r) => String(r.status);
    case 'b': return (r) => (r.bytesBody === 0 ? '-' : String(r.bytesBody));
    case 'B': return (r) => String(r.bytesBody);
    case 'O': return (r) => String(r.bytesOut);
    case 'I': return (r) => String(r.bytesIn);
    case 'S': return (r) => String(r.bytesIn + r.bytesOut);
    case 'D': return (r) => String(Math.round(r.durationUs));
    case 'T':
      if (arg === 'ms') return (r) => String(Math.floor(r.durationUs / 1000));
      if (arg === 'us') return (r) => String(Math.round(r.durationUs));
      return (r) => String(Math.floor(r.durationUs / 1_000_000));
    case 'i': return (r) => dash(header(r.requestHeaders, arg ?? ''));
    case 'o': return (r) => dash(header(r.responseHeaders, arg ?? ''));
    case 'C': return (r) => dash(cookie(r.requestHeaders, arg ?? ''));
    case 'e': return (r) => dash(r.env[arg ?? '']);
    case 'n': return () => '-';
    case 'v': return (r) => escapeLogItem(r.serverName);
    case 'V': return (r) => escapeLogItem(r.requestHostname);
    case 'p':
      if (arg === 'remote') return (r) => String(r.remotePort);
      return (r) => String(r.localPort);
    case 'U': return (r) => escapeLogItem(r.path);
    case 'q': return (r) => (r.query !== null ? `?${escapeLogItem(r.query)}` : '');
    case 'm': return (r) => escapeLogItem(r.method);
    case 'H': return (r) => r.protocol;
    case 'f': return (r) => escapeLogItem(r.filename);
    case 'P': return () => String(process.pid);
    case 'k': return (r) => String(r.keepAliveCount);
    case 'X': return (r) => r.connectionStatus;
    case 'L': return () => '-';
    case 'R': return (r) => r.handler;
    case '%': return () => '%';
    default: return null;
  }
}

export interface CompiledFormat {
  readonly format: string;
  render(r: LogRecord): string;
  /** Directives apx does not know, rendered as written. */
  readonly unknown: readonly string[];
}

/** Compile a LogFormat string (already unquoted by the config parser; `\n`, `\t`, `\"`, `\\` still escaped). */
export function compileLogFormat(format: string): CompiledFormat {
  const parts: Part[] = [];
  const unknown: string[] = [];
  let lit = '';
  let i = 0;
  const flush = (): void => {
    if (lit) parts.push(lit);
    lit = '';
  };
  while (i < format.length) {
    const c = format[i]!;
    if (c === '\\' && i + 1 < format.length) {
      const n = format[i + 1]!;
      lit += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      i += 2;
      continue;
    }
    if (c !== '%') {
      lit += c;
      i++;
      continue;
    }
    // %[!][status,list][<>][{arg}]X
    const m = /^%(!?)((?:\d{3},?)*)([<>]?)(?:\{([^}]*)\})?([<>]?)([a-zA-Z%^])/.exec(format.slice(i));
    if (!m) {
      lit += c;
      i++;
      continue;
    }
    let code = m[6]!;
    let len = m[0].length;
    if (code === '^') {
      // %^ti / %^to: trailers, never kept by apx.
      code = format.slice(i + len, i + len + 2);
      len += 2;
      flush();
      parts.push(() => '-');
      i += len;
      continue;
    }
    const fn = directive(code, m[4] ?? null);
    if (!fn) {
      unknown.push(m[0]);
      lit += m[0];
      i += len;
      continue;
    }
    flush();
    const statuses = m[2] ? m[2].split(',').filter(Boolean).map(Number) : [];
    if (statuses.length) {
      const negate = m[1] === '!';
      parts.push((r) => ((statuses.includes(r.status) !== negate) ? fn(r) : '-'));
    } else parts.push(fn);
    i += len;
  }
  flush();
  return {
    format,
    unknown,
    render: (r) => {
      let s = '';
      for (const p of parts) s += typeof p === 'string' ? p : p(r);
      return s;
    },
  };
}

export const COMBINED = '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"';
export const COMMON = '%h %l %u %t "%r" %>s %O';
