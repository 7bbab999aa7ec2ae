/**
 * The route order of the model against real Apache. mod_proxy consults the <Location> ProxyPass first (the last
 * matching <Location> supplies it), then the server's ProxyPass list — main server's entries before the vhost's
 * own — and the first match wins; ProxyPassInherit Off does not stop main-server ProxyPass entries (2.4.71
 * merge_proxy_config appends base->aliases unconditionally). For each request path, the first matching route of
 * the compiled model must name the backend Apache actually forwarded to ("local" for an exclusion).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { load } from '../../src/config/index.js';
import { compile, type Route } from '../../src/model/index.js';
import { apacheAvailable, apacheSkipReason, createServerRoot, disposeAllApache, startApache, type RunningApache } from '../support/apache.js';
import { request, startEchoBackend, type Backend } from '../support/backends.js';

const CONFIG = `ProxyPass /main {{A}}/main
<Location /mainloc>
    ProxyPass {{B}}/mainloc
</Location>
<VirtualHost *:{{PORT}}>
    ProxyPassInherit Off
    ProxyPass /own {{C}}/own
    ProxyPass /excluded !
    <Location /a>
        ProxyPass {{D}}/a
    </Location>
    <Location /a/b>
        ProxyPass {{E}}/ab
    </Location>
    <Location /a/b/none>
        ProxyPass !
    </Location>
    ProxyPass /main/sub {{F}}/never
    ProxyPassMatch ^/re/(.*)$ {{G}}/re/$1
    ProxyPass / {{H}}/
</VirtualHost>
`;

const PATHS = ['/main/x', '/mainloc/x', '/own', '/excluded/x', '/a', '/a/x', '/a/b/x', '/a/b/none/x', '/apple', '/main/sub/x', '/re/z', '/other'];

/** mod_proxy's prefix match: runs of `/` are equivalent, and the match ends on a segment boundary. */
function prefixMatches(prefix: string, path: string): boolean {
  const p = prefix.replace(/\/+/g, '/');
  const u = path.replace(/\/+/g, '/');
  if (!u.startsWith(p)) return false;
  return p.endsWith('/') || u.length === p.length || u[p.length] === '/';
}

function firstMatch(routes: readonly Route[], path: string): Route | undefined {
  return routes.find((r) => (r.match.kind === 'prefix' ? prefixMatches(r.match.path, path) : new RegExp(r.match.pattern).test(path)));
}

describe.skipIf(!apacheAvailable())(`route order: the model against Apache ${apacheSkipReason()}`, () => {
  const backends: Backend[] = [];
  let httpd: RunningApache | undefined;
  afterAll(async () => {
    await disposeAllApache();
    await Promise.all(backends.map((b) => b.close()));
  });

  it.each(PATHS)('%s goes where the first matching model route says', async (path) => {
    if (!httpd) {
      const vars: Record<string, string> = {};
      for (const name of 'ABCDEFGH') {
        const b = await startEchoBackend({ name });
        backends.push(b);
        vars[name] = b.url;
      }
      const root = await createServerRoot({ modules: ['proxy_http'], config: CONFIG, vars });
      httpd = await startApache(root);
      const { model } = compile(load({ file: '/order.conf', text: root.render(CONFIG) }, { noTreeDetection: true, modules: ['proxy', 'proxy_http'] }));
      routesOfVhost = model!.virtualHosts[0]!.routes;
      byUrl = new Map(backends.map((b) => [b.url, b.name]));
    }
    const r = firstMatch(routesOfVhost, path);
    const expected = r === undefined || r.exclude ? 'local' : byUrl.get(r.target!.url.replace(/^(http:\/\/[^/]+).*$/, '$1'));
    const res = await request(`${httpd.url}${path}`);
    const actual = res.status === 200 && res.header('content-type')?.includes('json') ? res.json().backend : 'local';
    expect(actual).toBe(expected);
  });
});

let routesOfVhost: readonly Route[] = [];
let byUrl = new Map<string, string>();
