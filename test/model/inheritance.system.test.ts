/**
 * Main server → virtual host inheritance in the model against real Apache. The main server sets
 * ProxyPreserveHost On, ProxyAddHeaders Off and a server-status handler; vhost A sets nothing, vhost B overrides
 * both header settings. What the model says each vhost does must be what Apache does on that vhost's port:
 * the Host the backend receives, whether X-Forwarded-For is added, and whether /server-status is answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../../src/config/index.js';
import { compile, type ProxyModel } from '../../src/model/index.js';
import { apacheAvailable, apacheSkipReason, createServerRoot, disposeAllApache, startApache, type ServerRoot } from '../support/apache.js';
import { headerValue, request, startEchoBackend, type Backend } from '../support/backends.js';

const CONFIG = `ProxyPreserveHost On
ProxyAddHeaders Off
<Location /server-status>
    SetHandler server-status
</Location>
Listen 127.0.0.1:{{PORT1}}
<VirtualHost *:{{PORT}}>
    ServerName a.test
    ProxyPass /app {{B}}/app
</VirtualHost>
<VirtualHost *:{{PORT1}}>
    ServerName b.test
    ProxyPreserveHost Off
    ProxyAddHeaders On
    ProxyPass /app {{B}}/app
</VirtualHost>
`;

describe.skipIf(!apacheAvailable())(`inheritance: the model against Apache ${apacheSkipReason()}`, () => {
  let backend: Backend;
  let root: ServerRoot;
  let model: ProxyModel;
  beforeAll(async () => {
    backend = await startEchoBackend({ name: 'b' });
    root = await createServerRoot({ modules: ['proxy_http', 'status'], config: CONFIG, vars: { B: backend.url }, extraPorts: 1 });
    // Apache serves root.ports; disposeAllApache stops it.
    await startApache(root);
    model = compile(load({ file: '/inherit.conf', text: root.render(CONFIG) }, { noTreeDetection: true, modules: ['proxy', 'proxy_http', 'status'] })).model!;
  });
  afterAll(async () => {
    await disposeAllApache();
    await backend.close();
  });

  it.each([0, 1])('vhost %i: Host and X-Forwarded-For as the model says', async (i) => {
    const v = model.virtualHosts[i]!;
    const port = root.ports[i]!;
    const seen = (await request(`http://127.0.0.1:${port}/app`, { headers: { Host: `${v.serverName}:${port}` } })).json();
    expect(headerValue(seen.headers, 'Host')).toBe(v.headers.preserveHost ? `${v.serverName}:${port}` : backend.hostPort);
    expect(headerValue(seen.headers, 'X-Forwarded-For') !== undefined).toBe(v.headers.addHeaders);
  });

  it('the model says vhost A inherits and vhost B overrides', () => {
    expect(model.virtualHosts.map((v) => [v.headers.preserveHost, v.headers.addHeaders])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it.each([0, 1])('vhost %i: the main server handler answers there too, as the model lists it', async (i) => {
    const v = model.virtualHosts[i]!;
    expect(v.handlers.map((h) => [h.path, h.handler])).toEqual([['/server-status', 'server-status']]);
    const r = await request(`http://127.0.0.1:${root.ports[i]!}/server-status`, { headers: { Host: v.serverName! } });
    expect(r.status).toBe(200);
    expect(r.text).toContain('Apache Server Status');
  });
});
