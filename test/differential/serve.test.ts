/**
 * `apx serve` against real Apache 2.4: the same config, the same echo backends, the same requests; compare what
 * the client got (status, error page title, rewritten headers) and what the backend saw (request line, Host,
 * X-Forwarded-*, Via, stripped headers, body framing).
 *
 * Each group is one config: one Apache (private ServerRoot on loopback) and one apx proxy. apx reads the very
 * apache2.conf the harness wrote for Apache (`load()` of the ServerRoot, LoadModule lines and all), compiles it
 * and runs it with `startProxy`, its Listen moved to a free port. Every row says which Apache behaviour it
 * compares, and states that behaviour as `apache` expectations checked against Apache itself, so the table is
 * also a record of what Apache does. A row with `deviation` is a known, deliberate difference: apx is held to
 * its documented behaviour instead (docs/deviations.md says why) — never silently skipped. A row with `bug` is an
 * apx bug not fixed yet, pinned the same way and listed in docs/deviations.md under "Known bugs".
 *
 * Ports and backend URLs differ between the two servers only by numbers, which are normalised before comparing.
 */
import { createHash } from 'node:crypto';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apacheAvailable,
  apacheSkipReason,
  createServerRoot,
  disposeAllApache,
  startApache,
  configTest,
  type RunningApache,
} from '../support/apache.js';
import { headerValues, request, startEchoBackend, type Backend, type HttpResponse, type ReceivedRequest } from '../support/backends.js';
import { startApxOn, type ApxBeside } from '../support/apx.js';
import { freePort } from '../support/ports.js';
import { samplePath } from '../../src/demo/samples.js';

// ───────────────────────────────────────────── the table ─────────────────────────────────────────────

/** What is compared: facts of one exchange, as JSON-safe values. */
interface Observation {
  status: number;
  /** `<title>` of an HTML error page (Apache's "503 Service Unavailable"). */
  title?: string | null;
  /** Which echo backend answered, and what it saw. */
  backend?: string | null;
  method?: string;
  url?: string;
  /** Request headers as the backend saw them (all values joined with " | "; null when absent). */
  seen?: Record<string, string | null>;
  /** Response headers as the client saw them. */
  resp?: Record<string, string | null>;
  bodyLength?: number;
  bodySha256?: string;
  /** How the request body reached the backend: `length` (Content-Length) or `chunked`. */
  framing?: 'length' | 'chunked' | 'none';
  /** The response body, for rows that compare it. */
  text?: string;
  /** Length and hash of the response body, for rows that compare it. */
  respLength?: number;
  respSha256?: string;
  /** For repeated requests: which backend answered each. */
  sequence?: (string | null)[];
  /** Whether the response body arrived whole (Content-Length reached, last chunk seen) before the connection closed. */
  ended?: 'complete' | 'truncated';
}

interface Req {
  path: string;
  method?: string;
  /** Default `Host: proxy.test`; `null` sends none (raw only). */
  headers?: Record<string, string>;
  body?: Buffer;
  chunked?: boolean;
  /** Exact bytes instead (for absolute-form targets, `%2F`, hop-by-hop headers node:http would rewrite). */
  raw?: string;
}

interface Row {
  /** The Apache behaviour compared, in Apache's terms. */
  name: string;
  req: Req;
  /** Request headers of the backend's view to compare. */
  seen?: string[];
  /** Response headers to compare. */
  resp?: string[];
  /** Compare the response body text. */
  text?: boolean;
  /** Compare the response body's length and hash. */
  respBody?: boolean;
  /** Compare the body the backend received (length, hash, framing). */
  body?: boolean;
  /** Send the request this many times and compare the sequence of answering backends. */
  repeat?: number;
  /** Observe with this instead of one plain request (protocol upgrades). */
  custom?: (base: string) => Promise<Observation>;
  /** What Apache does (checked against Apache); apx must then match Apache's observation exactly. */
  apache: Partial<Observation>;
  /** A documented, deliberate difference: the id in docs/deviations.md and what apx does instead. */
  deviation?: { id: string; apx: Partial<Observation> };
  /**
   * A difference that is an apx bug, listed under "Known bugs" in docs/deviations.md: the row pins what apx does
   * today, so the fix makes it fail and the entry is removed — it cannot be forgotten.
   */
  bug?: { id: string; apx: Partial<Observation> };
}

interface Group {
  name: string;
  modules: string[];
  /** Apache config appended to the harness's; {{PORT}} is the listener, {{A}}… the backends below. */
  config: string;
  rows: Row[];
}

const HOST = { Host: 'proxy.test' };
const XF = ['Host', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Server', 'Via'];

const big = Buffer.alloc(100_000, 'abcdefghij');
const small = Buffer.from('x'.repeat(1000));
const BIG = Buffer.alloc(1 << 20);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 7919) & 0xff;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const groups: Group[] = [
  {
    name: 'routing, mapping, headers and errors in one vhost',
    modules: ['proxy_http'],
    config: `
<VirtualHost *:{{PORT}}>
    ProxyPass /static/ !
    ProxyPass /loc/ !
    ProxyPass        /app/ {{A}}/inner/
    ProxyPassReverse /app/ {{A}}/inner/
    ProxyPass        /r/ {{R}}/inner/
    ProxyPassReverse /r/ {{R}}/inner/
    ProxyPassReverseCookieDomain backend.internal proxy.test
    ProxyPassReverseCookiePath /inner/ /r/
    ProxyPass /slash/ {{A}}
    ProxyPass /down/ {{DEAD}}/
    ProxyPass /bad/ {{BAD}}/
    ProxyPass /old/ {{OLD}}/
    ProxyPass /close/ {{CLOSE}}/
    ProxyPass /cut/ {{CUT}}/
    ProxyPass /cutch/ {{CUTCH}}/
    ProxyPass /hop/ {{HOP}}/
    ProxyPass /slow/ {{SLOW}}/ timeout=1
    ProxyPassMatch ^/m/(\\w+)/(.*)$ {{A}}/match/$2/$1
    ProxyPassMatch ^/whole/.*\\.txt$ {{A}}
    ProxyPass /nq/ {{A}}/nq/ noquery
    ProxyPass /ws/ {{WS}}/ upgrade=websocket
    ProxyPass /big/ {{BIG}}/
    <Location /loc/>
        ProxyPass {{B}}/l/
    </Location>
    <LocationMatch "^/lm/(\d+)">
        ProxyPass {{B}}/lm/
    </LocationMatch>
    ProxyPass /a/ {{A}}/
</VirtualHost>
`,
    rows: [
      {
        name: 'prefix replaced by the target path, query kept; Host = backend host:port (ProxyPreserveHost Off); X-Forwarded-* added',
        req: { path: '/app/x/y?q=1&r=%41' },
        seen: XF,
        apache: {
          status: 200,
          backend: 'a',
          url: '/inner/x/y?q=1&r=%41',
          seen: { Host: 'A_HOSTPORT', 'X-Forwarded-For': '127.0.0.1', 'X-Forwarded-Host': 'proxy.test', 'X-Forwarded-Server': '127.0.0.1', Via: null },
        },
      },
      {
        name: 'prefixes match whole segments: ProxyPass /app/ does not take /app (no rule: 404)',
        req: { path: '/app' },
        apache: { status: 404 },
      },
      { name: '`ProxyPass /static/ !` keeps /static/… local (no file: 404)', req: { path: '/static/site.css' }, apache: { status: 404 } },
      {
        name: 'a ProxyPass inside <Location> is consulted before the server list, even before a `!` for the same path',
        req: { path: '/loc/x?z' },
        apache: { status: 200, backend: 'b', url: '/l/x?z' },
      },
      {
        name: 'a ProxyPass inside <LocationMatch> takes no request the pattern matches (mod_proxy.c add_pass uses the section text as a plain prefix): 404',
        req: { path: '/lm/42/x?q' },
        apache: { status: 404 },
      },
      {
        name: 'upgrade=websocket: the Upgrade request is forwarded, the backend\'s 101 relayed, then bytes flow both ways',
        req: { path: '/ws/chat' },
        custom: (base) => websocketExchange(base, '/ws/chat'),
        apache: { status: 101, resp: { Upgrade: 'websocket' }, url: '/chat', text: 'echo:hello over the tunnel' },
      },
      {
        name: 'without upgrade= an Upgrade request is an ordinary request: Upgrade is hop-by-hop and not forwarded',
        req: { path: '/app/u', headers: { Host: 'proxy.test', Upgrade: 'websocket', Connection: 'Upgrade' } },
        seen: ['Upgrade'],
        apache: { status: 200, seen: { Upgrade: null } },
      },
      {
        name: '`noquery` does not change what an http:// backend gets: the query is kept (it only drops it from fcgi\'s SCRIPT_FILENAME)',
        req: { path: '/nq/x?secret=1' },
        apache: { status: 200, backend: 'a', url: '/nq/x?secret=1' },
      },
      {
        name: 'Max-Forwards is decremented on the way to the backend',
        req: { path: '/app/mf', headers: { Host: 'proxy.test', 'Max-Forwards': '5' } },
        seen: ['Max-Forwards'],
        apache: { status: 200, seen: { 'Max-Forwards': '4' } },
      },
      {
        name: 'a large chunked response (1 MiB) streams through intact',
        req: { path: '/big/' },
        resp: ['Content-Type'],
        respBody: true,
        apache: { status: 200, resp: { 'Content-Type': 'application/octet-stream' }, respLength: BIG.length, respSha256: sha(BIG) },
      },
      {
        name: 'ProxyPassMatch substitutes $1/$2 and drops the rest of the path; the query is appended',
        req: { path: '/m/42/rest/of?z=1' },
        apache: { status: 200, backend: 'a', url: '/match/rest/of/42?z=1' },
      },
      {
        name: 'ProxyPassMatch with no back-reference appends the whole path to the target',
        req: { path: '/whole/dir/f.txt' },
        apache: { status: 200, backend: 'a', url: '/whole/dir/f.txt' },
      },
      {
        name: 'a target without the trailing slash its path has glues the rest on (http://b:8080x): 500',
        req: { path: '/slash/x' },
        apache: { status: 500, title: '500 Proxy Error' },
      },
      { name: 'a path no ProxyPass takes and no DocumentRoot file answers: 404', req: { path: '/nothing/here' }, apache: { status: 404, title: '404 Not Found' } },
      {
        name: '%2F in the path with AllowEncodedSlashes Off (the default): 404 before any rule',
        req: { path: '/a/x%2Fy', raw: 'GET /a/x%2Fy HTTP/1.1\r\nHost: proxy.test\r\nConnection: close\r\n\r\n' },
        apache: { status: 404 },
      },
      {
        name: 'dot-segments are resolved before matching (/a/../app/x is /app/x)',
        req: { path: '/a/../app/x', raw: 'GET /a/../app/x HTTP/1.1\r\nHost: proxy.test\r\nConnection: close\r\n\r\n' },
        apache: { status: 200, backend: 'a', url: '/inner/x' },
      },
      {
        name: 'a path escaping the root is refused: 400',
        req: { path: '/../x', raw: 'GET /../x HTTP/1.1\r\nHost: proxy.test\r\nConnection: close\r\n\r\n' },
        apache: { status: 400 },
      },
      {
        name: 'an absolute-form request target is routed by its path only, never to its authority (ProxyRequests Off)',
        req: { path: '/app/abs', raw: 'GET http://evil.test/app/abs HTTP/1.1\r\nHost: evil.test\r\nConnection: close\r\n\r\n' },
        seen: ['Host'],
        apache: { status: 200, backend: 'a', url: '/inner/abs', seen: { Host: 'A_HOSTPORT' } },
      },
      {
        name: 'CONNECT is refused: with ProxyRequests Off apx/Apache is never an open proxy',
        req: { path: '', raw: 'CONNECT evil.test:443 HTTP/1.1\r\nHost: evil.test:443\r\nConnection: close\r\n\r\n' },
        apache: { status: 405 },
      },
      { name: 'backend refuses connections: 503', req: { path: '/down/' }, apache: { status: 503, title: '503 Service Unavailable' } },
      { name: 'backend answers a header line without a colon: 502 (titled "Bad Gateway", not "Proxy Error")', req: { path: '/bad/' }, apache: { status: 502, title: '502 Bad Gateway' } },
      {
        name: 'backend answers with no status line at all: passed on as an HTTP/0.9 body (200), the line ending dropped',
        req: { path: '/old/' },
        text: true,
        apache: { status: 200, text: 'this is not HTTP' },
        deviation: { id: 'http09-responses', apx: { status: 502, title: '502 Proxy Error' } },
      },
      { name: 'backend closes the connection without answering: 502', req: { path: '/close/' }, apache: { status: 502, title: '502 Proxy Error' } },
      {
        name: 'a client that half-closes its connection right after the request (shutdown SHUT_WR, `nc -N`) still gets the answer',
        req: { path: '/app/half' },
        custom: (base) => halfClosedExchange(base, '/app/half'),
        apache: { status: 200, ended: 'complete' },
      },
      {
        name: 'backend dies mid-body (Content-Length 100, 4 bytes sent): headers and the 4 bytes reach the client, then the connection is cut',
        req: { path: '/cut/' },
        custom: (base) => truncatedExchange(base, '/cut/x'),
        apache: { status: 200, text: 'half', ended: 'truncated' },
      },
      {
        name: 'backend dies mid-body (chunked, no last chunk): the chunks sent reach the client, then the connection is cut',
        req: { path: '/cutch/' },
        custom: (base) => truncatedExchange(base, '/cutch/x'),
        apache: { status: 200, text: 'hello', ended: 'truncated' },
      },
      {
        name: 'backend slower than the worker timeout (timeout=1): 502, mod_proxy_http has no 504',
        req: { path: '/slow/' },
        apache: { status: 502, title: '502 Proxy Error' },
      },
      {
        name: 'HEAD is forwarded as HEAD and answered without a body',
        req: { path: '/app/h', method: 'HEAD' },
        text: true,
        apache: { status: 200, text: '' },
      },
      {
        name: 'request hop-by-hop headers (Connection and the headers it names, Keep-Alive, TE, Proxy-Connection) are not forwarded; X-Forwarded-For is appended to',
        req: {
          path: '/app/hop',
          raw:
            'GET /app/hop HTTP/1.1\r\nHost: proxy.test\r\nConnection: close, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: 300\r\nTE: trailers\r\n' +
            'Proxy-Connection: keep-alive\r\nX-Forwarded-For: 10.0.0.1\r\nX-Kept: yes\r\n\r\n',
        },
        seen: ['X-Secret', 'Keep-Alive', 'TE', 'Proxy-Connection', 'X-Forwarded-For', 'X-Kept'],
        apache: {
          status: 200,
          seen: { 'X-Secret': null, 'Keep-Alive': null, TE: null, 'Proxy-Connection': null, 'X-Forwarded-For': '10.0.0.1, 127.0.0.1', 'X-Kept': 'yes' },
        },
      },
      {
        name: 'response hop-by-hop headers (Connection tokens, Keep-Alive, Upgrade on a non-101) are stripped; others pass',
        req: { path: '/hop/' },
        resp: ['X-Internal', 'Keep-Alive', 'Upgrade', 'X-Kept'],
        text: true,
        apache: { status: 200, resp: { 'X-Internal': null, 'Keep-Alive': null, Upgrade: null, 'X-Kept': 'yes' }, text: 'ok' },
      },
      {
        name: 'ProxyPassReverse rewrites Location and Content-Location to the URL the client used; cookie Domain and Path rewritten',
        req: { path: '/r/go' },
        resp: ['Location', 'Content-Location', 'Set-Cookie'],
        apache: {
          status: 302,
          resp: {
            Location: 'http://proxy.test:PORT/r/next?x=1',
            'Content-Location': 'http://proxy.test:PORT/r/page',
            // The whole Path value is replaced on a prefix match (/inner/sub → /r/), not just the prefix.
            'Set-Cookie': 'sid=1; Domain=proxy.test; Path=/r/ | b=2; Path=/other',
          },
        },
      },
      {
        name: 'a Content-Length body streams through with the same length',
        req: { path: '/app/post', method: 'POST', body: big },
        body: true,
        apache: { status: 200, bodyLength: big.length, bodySha256: sha(big), framing: 'length' },
      },
      {
        name: 'a chunked body larger than 16 KiB stays chunked',
        req: { path: '/app/post', method: 'POST', body: big, chunked: true },
        body: true,
        apache: { status: 200, bodyLength: big.length, bodySha256: sha(big), framing: 'chunked' },
      },
      {
        name: 'a small chunked body is sent on with a Content-Length (mod_proxy_http spools up to 16 KiB)',
        req: { path: '/app/post', method: 'POST', body: small, chunked: true },
        body: true,
        apache: { status: 200, bodyLength: small.length, bodySha256: sha(small), framing: 'length' },
        deviation: { id: 'small-chunked-bodies', apx: { status: 200, bodyLength: small.length, bodySha256: sha(small), framing: 'chunked' } },
      },
    ],
  },
  {
    name: 'balancers: byrequests 1:1 and 3:1, failover, hot standby',
    modules: ['proxy_http', 'proxy_balancer', 'lbmethod_byrequests'],
    config: `
<Proxy balancer://even>
    BalancerMember {{A}}
    BalancerMember {{B}}
</Proxy>
<Proxy balancer://weighted>
    BalancerMember {{A}} loadfactor=3
    BalancerMember {{B}} loadfactor=1
</Proxy>
<Proxy balancer://failover>
    BalancerMember {{DEAD}}
    BalancerMember {{B}}
</Proxy>
<Proxy balancer://standby>
    BalancerMember {{DEAD}}
    BalancerMember {{A}} status=+H
</Proxy>
<Proxy balancer://alldown>
    BalancerMember {{DEAD}}
</Proxy>
ProxyPass /even/ balancer://even/
ProxyPass /weighted/ balancer://weighted/
ProxyPass /failover/ balancer://failover/
ProxyPass /standby/ balancer://standby/
ProxyPass /alldown/ balancer://alldown/
`,
    rows: [
      { name: 'byrequests with equal weights alternates a, b, a, b …', req: { path: '/even/x' }, repeat: 6, apache: { sequence: ['a', 'b', 'a', 'b', 'a', 'b'] } },
      {
        name: 'byrequests with loadfactor 3:1 gives a, a, b, a per four requests',
        req: { path: '/weighted/x' },
        repeat: 8,
        apache: { sequence: ['a', 'a', 'b', 'a', 'a', 'a', 'b', 'a'] },
      },
      {
        name: 'a member that refuses is put in error and the same request fails over to the next member',
        req: { path: '/failover/x' },
        repeat: 3,
        apache: { sequence: ['b', 'b', 'b'] },
      },
      { name: 'a hot standby (status=+H) answers while no other member is usable', req: { path: '/standby/x' }, repeat: 2, apache: { sequence: ['a', 'a'] } },
      { name: 'every member down: 503', req: { path: '/alldown/x' }, apache: { status: 503, title: '503 Service Unavailable' } },
      { name: 'the main server with no rule for the path: 404', req: { path: '/elsewhere' }, apache: { status: 404 } },
    ],
  },
  {
    name: 'name-based virtual hosts, ProxyPreserveHost, ProxyVia, ProxyAddHeaders',
    modules: ['proxy_http'],
    config: `
<VirtualHost *:{{PORT}}>
    ServerName first.test
    ProxyPass / {{A}}/
</VirtualHost>
<VirtualHost *:{{PORT}}>
    ServerName second.test
    ServerAlias *.second.test
    ProxyPreserveHost On
    ProxyVia On
    ProxyPass / {{B}}/
</VirtualHost>
<VirtualHost *:{{PORT}}>
    ServerName slow.test
    ProxyTimeout 1
    ProxyPass / {{SLOW}}/
</VirtualHost>
<VirtualHost *:{{PORT}}>
    ServerName noxf.test
    ProxyAddHeaders Off
    ProxyVia Block
    ProxyPass / {{A}}/
</VirtualHost>
`,
    rows: [
      {
        name: 'Host selects the vhost by ServerName; X-Forwarded-Server is that vhost\'s ServerName',
        req: { path: '/p', headers: { Host: 'first.test' } },
        seen: XF,
        apache: {
          status: 200,
          backend: 'a',
          seen: { Host: 'A_HOSTPORT', 'X-Forwarded-For': '127.0.0.1', 'X-Forwarded-Host': 'first.test', 'X-Forwarded-Server': 'first.test', Via: null },
        },
      },
      {
        name: 'ProxyPreserveHost On sends the client\'s Host; ProxyVia On adds Via both ways',
        req: { path: '/p', headers: { Host: 'second.test' } },
        seen: XF,
        resp: ['Via'],
        apache: {
          status: 200,
          backend: 'b',
          seen: { Host: 'second.test', 'X-Forwarded-For': '127.0.0.1', 'X-Forwarded-Host': 'second.test', 'X-Forwarded-Server': 'second.test', Via: '1.1 second.test' },
          resp: { Via: '1.1 second.test' },
        },
      },
      {
        name: 'ProxyTimeout (server level) bounds the wait for the backend: 502 after it',
        req: { path: '/p', headers: { Host: 'slow.test' } },
        apache: { status: 502, title: '502 Proxy Error' },
      },
      { name: 'a ServerAlias wildcard selects its vhost', req: { path: '/p', headers: { Host: 'x.second.test' } }, apache: { status: 200, backend: 'b' } },
      {
        name: 'a Host no vhost names goes to the first vhost of the address',
        req: { path: '/p', headers: { Host: 'stranger.test' } },
        apache: { status: 200, backend: 'a' },
      },
      {
        name: 'ProxyAddHeaders Off sends no X-Forwarded-*; ProxyVia Block strips the client\'s Via',
        req: { path: '/p', headers: { Host: 'noxf.test', Via: '1.0 client-proxy' } },
        seen: XF,
        apache: {
          status: 200,
          backend: 'a',
          seen: { Host: 'A_HOSTPORT', 'X-Forwarded-For': null, 'X-Forwarded-Host': null, 'X-Forwarded-Server': null, Via: null },
        },
      },
    ],
  },
  {
    name: "the tutorial's balancer example (samples/000-default.balancer.conf), members written with a trailing slash",
    modules: ['proxy_http', 'proxy_balancer', 'lbmethod_byrequests'],
    config: `
<VirtualHost *:{{PORT}}>
    <Proxy balancer://mycluster>
        BalancerMember {{A}}/
        BalancerMember {{B}}/
    </Proxy>
    ProxyPreserveHost On
    ProxyPass / balancer://mycluster/
    ProxyPassReverse / balancer://mycluster/
</VirtualHost>
`,
    rows: [
      {
        name: 'member URL + the path after the balancer name: `BalancerMember http://b/` with `balancer://c/` sends `//` for `/`',
        req: { path: '/' },
        seen: ['Host'],
        apache: { status: 200, backend: 'a', url: '//', seen: { Host: 'proxy.test' } },
      },
      { name: 'and `//x/y?z` for `/x/y?z`, on the next member', req: { path: '/x/y?z' }, apache: { status: 200, backend: 'b', url: '//x/y?z' } },
    ],
  },
];

// ───────────────────────────────────────────── backends ─────────────────────────────────────────────

interface Backends {
  vars: Record<string, string>;
  /** Backend URL/host:port → a stable name, for normalising observations. */
  names: [string, string][];
  close(): Promise<void>;
}

async function startBackends(): Promise<Backends> {
  const a = await startEchoBackend({ name: 'a' });
  const b = await startEchoBackend({ name: 'b' });
  const r = await startEchoBackend({ name: 'r', status: 302 });
  r.set({
    headers: [
      ['Location', `${r.url}/inner/next?x=1`],
      ['Content-Location', `${r.url}/inner/page`],
      ['Set-Cookie', 'sid=1; Domain=backend.internal; Path=/inner/sub'],
      ['Set-Cookie', 'b=2; Path=/other'],
    ],
  });
  const bad = await startEchoBackend({ name: 'bad', fault: { raw: 'HTTP/1.1 200 OK\r\nthis header has no colon\r\nContent-Length: 2\r\n\r\nok' } });
  const old = await startEchoBackend({ name: 'old', fault: { raw: 'this is not HTTP\r\n' } });
  const close = await startEchoBackend({ name: 'close', fault: 'close' });
  const cut = await startEchoBackend({ name: 'cut', fault: { raw: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nhalf' } });
  const cutch = await startEchoBackend({ name: 'cutch', fault: { raw: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n' } });
  const hop = await startEchoBackend({
    name: 'hop',
    fault: {
      raw:
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close, X-Internal\r\nX-Internal: secret\r\nKeep-Alive: timeout=5\r\n' +
        'Upgrade: h2c\r\nX-Kept: yes\r\n\r\nok',
    },
  });
  const slow = await startEchoBackend({ name: 'slow', delayMs: 4_000 });
  const bigBackend = await startEchoBackend({ name: 'big', body: BIG, framing: 'chunked', headers: { 'Content-Type': 'application/octet-stream' } });
  const ws = await startUpgradeBackend();
  const deadPort = await freePort();
  const all: Backend[] = [a, b, r, bad, old, close, cut, cutch, hop, slow, bigBackend];
  return {
    vars: { A: a.url, B: b.url, R: r.url, BIG: bigBackend.url, WS: ws.url, BAD: bad.url, OLD: old.url, CLOSE: close.url, CUT: cut.url, CUTCH: cutch.url, HOP: hop.url, SLOW: slow.url, DEAD: `http://127.0.0.1:${deadPort}` },
    names: [
      [a.hostPort, 'A_HOSTPORT'],
      [b.hostPort, 'B_HOSTPORT'],
      [r.hostPort, 'R_HOSTPORT'],
    ],
    close: async () => {
      await Promise.all([...all.map((x) => x.close()), ws.close()]);
    },
  };
}

// ───────────────────────────────────────────── websocket ─────────────────────────────────────────────

/**
 * A WebSocket-ish backend: answers an Upgrade request with 101 and then echoes every byte prefixed with `echo:`.
 * Frames are not parsed — a proxy's tunnel is byte-transparent, which is what is compared.
 */
async function startUpgradeBackend(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let head = '';
    let upgraded = false;
    sock.on('data', (d: Buffer) => {
      if (upgraded) return void sock.write(Buffer.concat([Buffer.from('echo:'), d]));
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      upgraded = true;
      const target = head.split(' ')[1] ?? '';
      sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Seen-Url: ${target}\r\n\r\n`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Upgrade through the proxy, then send one message on the tunnel and read the echo. */
function websocketExchange(base: string, path: string): Promise<Observation> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = connect({ host: u.hostname, port: Number(u.port) });
    let buf = Buffer.alloc(0);
    let head: { status: number; upgrade: string | null; url: string | null } | null = null;
    const timer = setTimeout(() => (sock.destroy(), reject(new Error(`websocket exchange timed out; got ${buf.toString('latin1')}`))), 10_000);
    const finish = (o: Observation): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    };
    sock.on('error', (e) => (clearTimeout(timer), reject(e)));
    sock.on('connect', () =>
      sock.write(
        `GET ${path} HTTP/1.1\r\nHost: proxy.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ),
    );
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!head) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
        const field = (n: string): string | null => lines.find((l) => l.toLowerCase().startsWith(`${n.toLowerCase()}:`))?.replace(/^[^:]*:\s*/, '') ?? null;
        head = { status: Number(lines[0]!.split(' ')[1]), upgrade: field('Upgrade'), url: field('X-Seen-Url') };
        buf = buf.subarray(end + 4);
        if (head.status !== 101) return finish({ status: head.status });
        sock.write('hello over the tunnel');
      }
      const text = buf.toString('latin1');
      if (text.length >= 'echo:hello over the tunnel'.length) finish({ status: head.status, resp: { Upgrade: head.upgrade }, url: head.url ?? '', text });
    });
    sock.on('close', () => head && finish({ status: head.status, resp: { Upgrade: head.upgrade }, url: head.url ?? '', text: buf.toString('latin1') }));
  });
}

/** A half-closing client: only the status and whether the body came whole are compared. */
async function halfClosedExchange(base: string, path: string): Promise<Observation> {
  const { status, ended } = await rawGet(base, path, { halfClose: true });
  return ended === undefined ? { status } : { status, ended };
}

/** A response cut mid-body: the status, the body bytes that arrived and whether the body was whole. */
function truncatedExchange(base: string, path: string): Promise<Observation> {
  return rawGet(base, path, { halfClose: false });
}

/**
 * One GET on a raw socket, read until the proxy closes the connection: the status, the body bytes that arrived
 * (de-chunked) and whether the body was whole. node:http would only report an abort, not what came before it.
 * `halfClose` shuts the client's write side right after the request (shutdown SHUT_WR, `nc -N`).
 */
function rawGet(base: string, path: string, opts: { halfClose: boolean }): Promise<Observation> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = connect({ host: u.hostname, port: Number(u.port) });
    const parts: Buffer[] = [];
    const timer = setTimeout(() => (sock.destroy(), reject(new Error('the proxy neither finished nor cut the response in 10 s'))), 10_000);
    const req = `GET ${path} HTTP/1.1\r\nHost: proxy.test\r\n\r\n`;
    sock.on('connect', () => (opts.halfClose ? sock.end(req) : sock.write(req)));
    sock.on('data', (d: Buffer) => parts.push(d));
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(parts).toString('latin1');
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return resolve({ status: 0 });
      const lines = all.slice(0, end).split('\r\n');
      const field = (n: string): string | null => lines.find((l) => l.toLowerCase().startsWith(`${n}:`))?.replace(/^[^:]*:\s*/, '') ?? null;
      let rest = all.slice(end + 4);
      let text = '';
      let complete = false;
      if ((field('transfer-encoding') ?? '').toLowerCase() === 'chunked') {
        for (;;) {
          const eol = rest.indexOf('\r\n');
          if (eol < 0) break;
          const size = parseInt(rest.slice(0, eol), 16);
          if (size === 0) {
            complete = true;
            break;
          }
          text += rest.slice(eol + 2, eol + 2 + size);
          rest = rest.slice(eol + 2 + size + 2);
        }
      } else {
        text = rest;
        complete = rest.length >= Number(field('content-length') ?? 0);
      }
      resolve({ status: Number(lines[0]!.split(' ')[1]), text, ended: complete ? 'complete' : 'truncated' });
    });
  });
}

// ───────────────────────────────────────────── observing ─────────────────────────────────────────────

function send(base: string, req: Req): Promise<HttpResponse> {
  if (req.raw !== undefined) return request(base, { rawRequest: req.raw, timeoutMs: 20_000 });
  return request(`${base}${req.path}`, {
    method: req.method ?? 'GET',
    headers: req.headers ?? HOST,
    ...(req.body !== undefined ? { body: req.body } : {}),
    ...(req.chunked ? { chunked: true } : {}),
    timeoutMs: 20_000,
  });
}

function echoed(r: HttpResponse): ReceivedRequest | null {
  if (!/application\/json/.test(r.header('content-type') ?? '')) return null;
  try {
    return r.json();
  } catch {
    return null;
  }
}

function joined(values: string[]): string | null {
  return values.length ? values.join(' | ') : null;
}

async function observe(row: Row, base: string, port: number, names: readonly [string, string][]): Promise<Observation> {
  if (row.custom) return normalise(await row.custom(base), port, names);
  if (row.repeat !== undefined) {
    const sequence: (string | null)[] = [];
    for (let i = 0; i < row.repeat; i++) sequence.push(echoed(await send(base, row.req))?.backend ?? null);
    return normalise({ status: 200, sequence }, port, names);
  }
  const r = await send(base, row.req);
  const seen = echoed(r);
  const o: Observation = { status: r.status };
  if (seen === null) o.title = /<title>([^<]*)<\/title>/i.exec(r.text)?.[1] ?? null;
  else {
    o.backend = seen.backend;
    o.method = seen.method;
    o.url = seen.url;
  }
  if (row.seen) o.seen = Object.fromEntries(row.seen.map((h) => [h, seen ? joined(headerValues(seen.headers, h)) : null]));
  if (row.resp) o.resp = Object.fromEntries(row.resp.map((h) => [h, joined(headerValues(r.headers, h))]));
  if (row.text) o.text = r.text;
  if (row.respBody) {
    o.respLength = r.body.length;
    o.respSha256 = sha(r.body);
  }
  if (row.body && seen) {
    o.bodyLength = seen.bodyLength;
    o.bodySha256 = seen.bodySha256;
    const te = headerValues(seen.headers, 'Transfer-Encoding').join(',');
    o.framing = /chunked/i.test(te) ? 'chunked' : headerValues(seen.headers, 'Content-Length').length ? 'length' : 'none';
  }
  return normalise(o, port, names);
}

/** The proxy's own port becomes PORT and backend addresses their names, so two servers' observations compare. */
function normalise(o: Observation, port: number, names: readonly [string, string][]): Observation {
  let s = JSON.stringify(o);
  for (const [from, to] of names) s = s.split(from).join(to);
  s = s.replace(new RegExp(`(?<=[:"])${port}(?=\\D)`, 'g'), 'PORT');
  return JSON.parse(s) as Observation;
}

function pick(o: Observation, keys: readonly string[]): Partial<Observation> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k))) as Partial<Observation>;
}

// ───────────────────────────────────────────── apx side ─────────────────────────────────────────────

// ───────────────────────────────────────────── the suite ─────────────────────────────────────────────

/** The bundled samples and the modules their comments tell the reader to enable. */
const SAMPLES: [file: string, modules: string[]][] = [
  ['000-default.conf', ['proxy_http']],
  ['000-default.balancer.conf', ['proxy_http', 'proxy_balancer', 'lbmethod_byrequests']],
  ['path-routing.conf', ['proxy_http']],
  ['weighted-balancer.conf', ['proxy_http', 'proxy_balancer', 'lbmethod_byrequests']],
  ['websocket.conf', ['proxy_http']],
  ['name-vhosts.conf', ['proxy_http']],
];

describe.skipIf(!apacheAvailable())(`samples/ are configs Apache accepts ${apacheSkipReason()}`, () => {
  afterAll(disposeAllApache);
  it.each(SAMPLES)('%s passes apache2 -t with the modules its comment names', async (file, modules) => {
    const root = await createServerRoot({ modules, include: samplePath(file) });
    const r = await configTest(root);
    expect(r.output).toContain('Syntax OK');
    expect(r.ok).toBe(true);
    await root.dispose();
  });
});

describe.skipIf(!apacheAvailable())(`apx serve vs Apache 2.4 mod_proxy ${apacheSkipReason()}`, () => {
  let backends: Backends;
  beforeAll(async () => {
    backends = await startBackends();
  });
  afterAll(async () => {
    await disposeAllApache();
    await backends?.close();
  });

  for (const group of groups) {
    describe(group.name, () => {
      let httpd: RunningApache;
      let apx: ApxBeside | undefined;
      const apxErrors = new PassThrough();
      let apxErrorText = '';
      apxErrors.on('data', (c: Buffer) => (apxErrorText += c.toString()));
      const fromApache = new Map<string, Observation>();

      beforeAll(async () => {
        const root = await createServerRoot({ modules: group.modules, config: group.config, vars: backends.vars });
        httpd = await startApache(root);
        apx = await startApxOn(root, { errorLog: apxErrors });
      });
      afterAll(async () => {
        await apx?.proxy.close();
        await httpd?.stop();
      });

      for (const row of group.rows) {
        it(`Apache: ${row.name}`, async () => {
          const o = await observe(row, httpd.url, httpd.port, backends.names);
          fromApache.set(row.name, o);
          expect(o).toMatchObject(row.apache);
        });

        const label = row.deviation
          ? `apx (deviation "${row.deviation.id}", docs/deviations.md): ${row.name}`
          : row.bug
            ? `apx (KNOWN BUG "${row.bug.id}", docs/deviations.md): ${row.name}`
            : `apx = Apache: ${row.name}`;
        it(label, async () => {
          const mine = await observe(row, apx!.url, apx!.port, backends.names);
          const differs = row.deviation ?? row.bug;
          if (differs) {
            expect(mine, apxErrorText).toMatchObject(differs.apx);
            return;
          }
          const theirs = fromApache.get(row.name);
          expect(theirs, 'the Apache half of this row did not run').toBeDefined();
          // Compare exactly the facts the row observes; the Apache expectations above say what they mean.
          expect(pick(mine, Object.keys(theirs!)), apxErrorText).toEqual(theirs);
        });
      }
    });
  }
});
