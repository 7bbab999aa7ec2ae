/**
 * URL-path and backend-URL helpers shared by the proxy rules, reproducing how mod_proxy compares them.
 */
import type { Span } from '../diagnostic.js';
import type { ResolvedDirective, ResolvedSection } from '../config/types.js';
import { nameKey } from '../syntax/names.js';

/** mod_proxy.c alias_match(): runs of `/` in the pattern and the path match each other. */
function collapseSlashes(p: string): string {
  // Most paths have no doubled slash: no regular expression, no copy.
  return p.includes('//') ? p.replace(/\/{2,}/g, '/') : p;
}

/**
 * Whether a request for `path` (and so every path below it) is taken by a ProxyPass prefix `prefix`:
 * mod_proxy.c alias_match() compares the prefix and requires the match to end on a segment boundary, so
 * `/app` takes `/app` and `/app/x` but never `/apple`, and `/app/` does not take `/app`.
 */
export function prefixCovers(prefix: string, path: string): boolean {
  const a = collapseSlashes(prefix);
  const b = collapseSlashes(path);
  if (!b.startsWith(a)) return false;
  return a.endsWith('/') || b.length === a.length || b[a.length] === '/';
}

/** The key samePath() compares: doubled slashes collapsed, trailing slashes removed. */
export function pathKey(p: string): string {
  const c = collapseSlashes(p);
  let end = c.length;
  while (end > 0 && c.charCodeAt(end - 1) === 0x2f) end--;
  return end === 0 ? '/' : end === c.length ? c : c.slice(0, end);
}

/** Path equality for mirroring: trailing slashes and doubled slashes aside. */
export function samePath(a: string, b: string): boolean {
  return pathKey(a) === pathKey(b);
}

/**
 * Every prefix that prefixCovers() would accept as covering `path` (the path itself, and its text up to and
 * including each `/`, and up to each `/`), doubled slashes collapsed: look these up instead of testing every rule.
 */
export function coveringPrefixes(path: string): string[] {
  const p = collapseSlashes(path);
  const out = [p];
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
    out.push(p.slice(0, i + 1));
    if (i > 0) out.push(p.slice(0, i));
  }
  return out;
}

export { collapseSlashes };

export interface SplitUrl {
  /** `http://host:port`, scheme and authority lower-cased (they are case-insensitive). */
  readonly origin: string;
  /** Everything after the authority, '' when there is none. */
  readonly path: string;
}

/** `scheme://authority/path` → its parts; null for `!`, `unix:` sockets and anything that is not such a URL. */
export function splitUrl(url: string): SplitUrl | null {
  const end = originEnd(url);
  if (end < 0) return null;
  return { origin: nameKey(url.slice(0, end)), path: url.slice(end) };
}

const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isSchemeChar = (c: number): boolean => isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2e || c === 0x2d;
/** Line terminators, which `.` in a regular expression does not match. */
const isLineEnd = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;

/**
 * The length of `scheme://authority` at the start of `url`, or -1 when it does not start so — what
 * /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*)(.*)$/ matches, without building a match (rules ask it of every target).
 */
function originEnd(url: string): number {
  if (url.length === 0 || !isAlpha(url.charCodeAt(0))) return -1;
  let i = 1;
  while (i < url.length && isSchemeChar(url.charCodeAt(i))) i++;
  if (url.charCodeAt(i) !== 0x3a || url.charCodeAt(i + 1) !== 0x2f || url.charCodeAt(i + 2) !== 0x2f) return -1;
  i += 3;
  while (i < url.length) {
    const c = url.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23) break;
    i++;
  }
  for (let j = i; j < url.length; j++) if (isLineEnd(url.charCodeAt(j))) return -1;
  return i;
}

/** The URL with its scheme and authority lower-cased and trailing slashes removed, for comparisons. */
export function urlKey(url: string): string {
  // splitUrl() without its parts: the rules compare tens of thousands of URLs, most already lower-case.
  const end = originEnd(url);
  if (end < 0) return url;
  let stop = url.length;
  while (stop > end && url.charCodeAt(stop - 1) === 0x2f) stop--;
  const origin = url.slice(0, end);
  const lower = nameKey(origin);
  if (lower === origin) return stop === url.length ? url : url.slice(0, stop);
  return lower + url.slice(end, stop);
}

export function sameUrl(a: string, b: string): boolean {
  return urlKey(a) === urlKey(b);
}

/** Whether `url` starts with `prefix` as ProxyPassReverse compares them (scheme/host case-insensitive). */
export function urlStartsWith(url: string, prefix: string): boolean {
  const u = urlKey(url);
  const p = urlKey(prefix);
  return u === p || u.startsWith(p.endsWith('/') ? p : `${p}/`);
}

const BALANCER = 'balancer://';

/** What `\s` matches in a JavaScript regular expression (the name of a balancer stops there). */
function isJsSpace(c: number): boolean {
  return (
    c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/**
 * `balancer://name/…` → `balancer://name` lower-cased (the balancer's identity); null for other URLs. What
 * /^balancer:\/\/([^/?#\s]*)/i matches, by hand: the proxy rules ask it of every target and member (100,000 times
 * on a 20,000-vhost config), and an already lower-case URL gives its own prefix back without building a string.
 */
export function balancerKey(url: string): string | null {
  if (url.length < BALANCER.length) return null;
  let exact = true;
  for (let i = 0; i < BALANCER.length; i++) {
    const c = url.charCodeAt(i);
    const want = BALANCER.charCodeAt(i);
    if (c === want) continue;
    // Letters match in either case; `:` and `/` only as themselves.
    if (want >= 0x61 && want <= 0x7a && c === want - 0x20) exact = false;
    else return null;
  }
  let end = BALANCER.length;
  for (; end < url.length; end++) {
    const c = url.charCodeAt(end);
    if (c === 0x2f || c === 0x3f || c === 0x23 || isJsSpace(c)) break;
  }
  const name = url.slice(BALANCER.length, end);
  const lower = nameKey(name);
  if (exact && lower === name) return end === url.length ? url : url.slice(0, end);
  return BALANCER + lower;
}

/**
 * Whether the path part of a `scheme://authority/path` URL ends with `/` — splitUrl(url)?.path.endsWith('/') —
 * without building the parts; null when it is not such a URL.
 */
export function urlPathEndsWithSlash(url: string): boolean | null {
  const end = originEnd(url);
  if (end < 0) return null;
  return url.length > end && url.charCodeAt(url.length - 1) === 0x2f;
}

/** Whether the URL's path part ends with `/` (a URL with no path does not). */
export function urlEndsWithSlash(url: string): boolean {
  const s = splitUrl(url);
  return s !== null && s.path.endsWith('/');
}

/**
 * The span of argument `i` as written. After `${VAR}` expansion the words can differ from the written ones;
 * then the whole directive is the best place to point at.
 */
export function argSpan(d: ResolvedDirective | ResolvedSection, i: number): Span {
  const written = d.syntax.args;
  if (written.length === d.args.length && written[i] !== undefined) return written[i]!.span;
  return d.kind === 'section' ? d.syntax.openSpan : d.span;
}

/** The span a section's problems point at: its opening line, not the whole block. */
export function openerSpan(s: ResolvedSection): Span {
  return s.syntax.openSpan;
}

/** Where a problem with the whole line points: a directive's line, or a section's opening line. */
export function nodeSpan(n: ResolvedDirective | ResolvedSection): Span {
  return n.kind === 'section' ? n.syntax.openSpan : n.syntax.span;
}
