import { describe, expect, it } from 'vitest';
import { resolveBackendUrl } from '../../src/runtime/backend-url.js';
import { aliasMatch, RouteTable } from '../../src/runtime/routes.js';
import { parseRequestTarget } from '../../src/runtime/uri.js';
import { route } from './fixture.js';
import type { Route } from '../../src/model/types.js';

describe('aliasMatch (mod_proxy.c alias_match)', () => {
  it.each([
    ['/app', '/app', 4],
    ['/app/x', '/app', 4],
    ['/apple', '/app', 0],
    ['/app', '/app/', 0],
    ['/app/', '/app/', 5],
    ['/app/x', '/app/', 5],
    ['/x', '/', 1],
    ['/', '/', 1],
    ['//app//x', '/app/', 7],
    ['/app/x', '//app', 4],
    ['/ap', '/app', 0],
  ])('%s against %s → %i', (uri, alias, n) => {
    expect(aliasMatch(uri, alias)).toBe(n);
  });
});

/** Route then map, as the handler does: the backend request-target, or the error httpd gives. */
function backendFor(routes: Route[], requestTarget: string): string {
  const parsed = parseRequestTarget(requestTarget, 'off');
  if (!parsed.ok) return String(parsed.status);
  const r = new RouteTable(routes).match({ path: parsed.path, rawPath: parsed.rawPath });
  if (r.kind === 'none') return 'none';
  if (r.kind === 'excluded') return '!';
  const b = resolveBackendUrl(r.url, { query: parsed.query, raw: r.rawPath, keepEncodedSlashes: false });
  if (b.kind === 'error') return `${b.status} ${b.reason}`;
  if (b.kind === 'balancer') return `balancer ${b.name} ${b.path}${b.query !== null ? `?${b.query}` : ''}`;
  return `${b.hostHeader} ${b.path}`;
}

// Each expectation below was observed on Apache 2.4.71 (see APACHE-FACTS.md "Matching and mapping").
describe('regular expressions', () => {
  it('refuses a pattern JavaScript cannot run with a StartupError naming the route', () => {
    expect(() => new RouteTable([route('^/(?<x>a)++$', 'http://b/', { regex: true })])).toThrow(/ProxyPassMatch \^\/\(\?<x>a\)\+\+\$: apx cannot run this regular expression/);
  });
});

describe('routing and URL mapping', () => {
  const table: [string, Route[], string, string][] = [
    ['prefix + rest + query', [route('/e', 'http://b:81')], '/e/x?q=1', 'b:81 /x?q=1'],
    ['target with slash doubles it', [route('/app', 'http://b/')], '/app/x', 'b //x'],
    ['merged slashes before matching', [route('/app', 'http://b/')], '/app//x', 'b //x'],
    ['runs of / collapse in the rest', [route('/e', 'http://b')], '/e//x//y', 'b /x/y'],
    ['exact prefix, no rest', [route('/e', 'http://b/z')], '/e', 'b /z'],
    ['segment boundary', [route('/app', 'http://b/')], '/apple', 'none'],
    ['/app2/ does not take /app2', [route('/app2/', 'http://b:8080')], '/app2', 'none'],
    ['http://b:8080x → DNS failure 500', [route('/app2/', 'http://b:8080')], '/app2/x', '500 DNS lookup failure for: b:8080x'],
    ['http://b:8080 + "" → /', [route('/app2/', 'http://b:8080')], '/app2/', 'b:8080 /'],
    ['first match wins', [route('/a', 'http://one/'), route('/a/b', 'http://two/')], '/a/b/c', 'one //b/c'],
    ['exclusion first', [route('/a/private', '!'), route('/a', 'http://b')], '/a/private/x', '!'],
    ['exclusion covers only its prefix', [route('/a/private', '!'), route('/a', 'http://b')], '/a/privateer', 'b /privateer'],
    ['exclusion after a catch-all never runs', [route('/', 'http://b/'), route('/x', '!')], '/x', 'b /x'],
    ['noquery keeps the query for http:// (only fcgi drops it)', [route('/e', 'http://b', { flags: { noquery: true } })], '/e/x?q=1', 'b /x?q=1'],
    ['noquery keeps the query for balancer://', [route('/b1', 'balancer://c1/', { flags: { noquery: true } })], '/b1/x?q', 'balancer c1 //x?q'],
    ['re-encoding of the decoded path', [route('/e', 'http://b')], "/e/%7euser/a%20b/%41;x=1/!$&'()*+,=:@", "b /~user/a%20b/A;x=1/!$&'()*+,=:@"],
    ['regex with $1', [route('^/rx/(.*)$', 'http://b/r/$1', { regex: true })], '/rx/a/b?k=v', 'b /r/a/b?k=v'],
    ['regex without back-reference appends the path', [route('^/ry/', 'http://b/z', { regex: true })], '/ry/a/b?k=v', 'b /z/ry/a/b?k=v'],
    ['regex exclusion', [route('\\.gif$', '!', { regex: true }), route('/', 'http://b/')], '/a.gif', '!'],
    ['case-insensitive regex', [route('^/UP/(.*)', 'http://b/$1', { regex: true, caseInsensitive: true })], '/up/x', 'b /x'],
    ['balancer path kept apart', [route('/b1', 'balancer://c1/')], '/b1/x?q', 'balancer c1 //x?q'],
    ['balancer root', [route('/b1', 'balancer://c1/')], '/b1', 'balancer c1 /'],
    ['nocanon sends the raw path', [route('/n', 'http://b', { flags: { nocanon: true } })], '/n/a%2Cb%7e', 'b /a%2Cb%7e'],
    ['canon decodes unreserved, keeps others', [route('/n', 'http://b')], '/n/a%2Cb%7e', 'b /a,b~'],
    ['unknown scheme → 500', [route('/f', 'fcgi://b:9000/')], '/f/x', '500 No protocol handler was valid for the URL fcgi://b:9000//x'],
    ['default port not repeated in Host', [route('/p', 'http://b:80/')], '/p/x', 'b //x'],
    ['IPv6 backend', [route('/v6', 'http://[::1]:8080')], '/v6/x', '[::1]:8080 /x'],
    ['traversal → 400', [route('/', 'http://b/')], '/a/../../x', '400'],
    ['encoded slash → 404', [route('/', 'http://b/')], '/a%2Fb', '404'],
  ];
  it.each(table)('%s', (_name, routes, target, expected) => {
    expect(backendFor(routes, target)).toBe(expected);
  });
});
