import { describe, expect, it } from 'vitest';
import { redactSecrets, validateModel } from '../../src/model/index.js';
import { codes, compileText, modelOf } from './helpers.js';

const vhost = (body: string, addr = '*:80'): string => `<VirtualHost ${addr}>\n${body}\n</VirtualHost>\n`;
const matchText = (m: { kind: string; path?: string; pattern?: string }): string => (m.kind === 'prefix' ? m.path! : `~${m.pattern!}`);

describe('compile: listeners and virtual hosts', () => {
  it('derives listeners from vhost addresses for a lone file with no Listen, and says so', () => {
    const m = modelOf(vhost('ServerName a.example') + vhost('ServerName b.example') + vhost('ServerName c', '10.0.0.1:8080'));
    expect(m.listeners.map((l) => [l.host, l.port, l.virtualHosts])).toEqual([
      [null, 80, [0, 1]],
      ['10.0.0.1', 8080, [2]],
    ]);
    expect(m.source.assumptions.some((a) => a.includes('no Listen directive') && a.includes('*:80'))).toBe(true);
    expect(m.virtualHosts.map((v) => [v.id, v.nameBased])).toEqual([
      ['vhost-0', true],
      ['vhost-1', true],
      ['vhost-2', false],
    ]);
  });

  it('uses Listen lines when present and maps vhosts onto them', () => {
    const m = modelOf('Listen 80\nListen 127.0.0.1:8443 https\n' + vhost('ServerName a') + vhost('ServerName b', '127.0.0.1:8443') + vhost('ServerName c', '_default_:9999'));
    expect(m.listeners.map((l) => ({ host: l.host, port: l.port, protocol: l.protocol, v: l.virtualHosts }))).toEqual([
      { host: null, port: 80, protocol: null, v: [0] },
      { host: '127.0.0.1', port: 8443, protocol: 'https', v: [1] },
    ]);
    expect(m.virtualHosts[2]!.addresses).toEqual([{ host: null, port: 9999, isDefault: true }]);
    expect(m.source.assumptions.some((a) => a.includes('no Listen'))).toBe(false);
  });

  it('inherits ServerName, DocumentRoot, Timeout, ProxyTimeout and ProxyPreserveHost from the main server unless set', () => {
    const m = modelOf('ServerName main.example\nDocumentRoot /srv\nTimeout 30\nProxyTimeout 7\nProxyPreserveHost On\n' + vhost('ServerAlias x') + vhost('ServerName own\nTimeout 5\nProxyPreserveHost Off'));
    const [a, b] = m.virtualHosts;
    expect([a!.serverName, a!.documentRoot, a!.timeouts, a!.headers.preserveHost]).toEqual(['main.example', '/srv', { timeout: 30, proxyTimeout: 7 }, true]);
    expect([b!.serverName, b!.timeouts, b!.headers.preserveHost]).toEqual(['own', { timeout: 5, proxyTimeout: 7 }, false]);
    expect(a!.serverAliases).toEqual(['x']);
  });

  it('defaults Timeout to 60 s and reads Debian apache2.conf values when they are in the tree', () => {
    expect(modelOf(vhost('')).mainServer.timeouts).toEqual({ timeout: 60, proxyTimeout: null });
    expect(modelOf('Timeout 300\n' + vhost('')).virtualHosts[0]!.timeouts.timeout).toBe(300);
  });

  it.each([
    ['Timeout 2min', 120],
    ['Timeout 90', 90],
    ['Timeout 1500ms', 1.5],
  ])('reads %s as httpd does (seconds by default, units allowed)', (line, seconds) => {
    expect(modelOf(`${line}\n`).mainServer.timeouts.timeout).toBe(seconds);
  });

  it.each(['ProxyTimeout 0', 'Timeout -5', 'Timeout 5years'])('refuses %s like apache2 does', (line) => {
    const r = compileText(`${line}\n`);
    expect(codes(r)).toEqual(['model/invalid-timeout']);
    expect(r.model!.mainServer.timeouts).toEqual({ timeout: 60, proxyTimeout: null });
  });

  it('merges TLS field by field from the main server', () => {
    const m = modelOf('SSLProxyEngine On\n' + vhost('SSLEngine on\nSSLCertificateFile /c.pem\nSSLCertificateKeyFile /k.pem\nSSLProtocol all -SSLv3', '*:443') + vhost(''));
    expect(m.virtualHosts[0]!.tls).toMatchObject({ engine: true, certificateFile: '/c.pem', certificateKeyFile: '/k.pem', protocol: 'all -SSLv3', proxyEngine: true });
    expect(m.virtualHosts[1]!.tls).toMatchObject({ engine: false, proxyEngine: true, certificateFile: null });
    expect(modelOf(vhost('')).virtualHosts[0]!.tls).toBeNull();
  });
});

describe('compile: routes in the order mod_proxy consults them', () => {
  const config =
    'ProxyPass /main http://m/\n' +
    '<Location /mainloc>\nProxyPass http://ml/\n</Location>\n' +
    vhost('ProxyPass /own http://o/\n<Location /a>\nProxyPass http://la/\n</Location>\n<Location /a/b>\nProxyPass http://lab/\n</Location>\nProxyPass / http://root/');

  it('puts <Location> rules first (the last matching section wins, so last first), then main-server entries, then the vhost own', () => {
    const routes = modelOf(config).virtualHosts[0]!.routes;
    expect(routes.map((r) => [matchText(r.match), r.target?.url, r.origin.location, r.origin.inherited])).toEqual([
      ['/a/b', 'http://lab/', '/a/b', false],
      ['/a', 'http://la/', '/a', false],
      ['/mainloc', 'http://ml/', '/mainloc', true],
      ['/main', 'http://m/', null, true],
      ['/own', 'http://o/', null, false],
      ['/', 'http://root/', null, false],
    ]);
  });

  it('gives the main server only its own rules', () => {
    expect(modelOf(config).mainServer.routes.map((r) => matchText(r.match))).toEqual(['/mainloc', '/main']);
  });

  it('reads exclusions, ProxyPass ~ regex, ProxyPassMatch and flags', () => {
    const routes = modelOf(vhost('ProxyPass /static !\nProxyPass ~ ^/img/(.*)$ http://img/$1\nProxyPassMatch ^/api/(.*)$ http://api:8080/v1/$1 nocanon noquery\nProxyPass /x http://x/ interpolate mapping=servlet')).virtualHosts[0]!.routes;
    expect(routes.map((r) => ({ m: matchText(r.match), exclude: r.exclude, d: r.origin.directive, t: r.target?.url ?? null }))).toEqual([
      { m: '/static', exclude: true, d: 'ProxyPass', t: null },
      { m: '~^/img/(.*)$', exclude: false, d: 'ProxyPass', t: 'http://img/$1' },
      { m: '~^/api/(.*)$', exclude: false, d: 'ProxyPassMatch', t: 'http://api:8080/v1/$1' },
      { m: '/x', exclude: false, d: 'ProxyPass', t: 'http://x/' },
    ]);
    expect(routes[2]!.flags).toEqual({ nocanon: true, noquery: true, interpolate: false, mapping: null });
    expect(routes[3]!.flags).toEqual({ nocanon: false, noquery: false, interpolate: true, mapping: 'servlet' });
    expect(routes[0]!.worker).toBeNull();
  });

  it('keeps one ProxyPass per <Location> (a later one replaces the earlier) and reads <LocationMatch>', () => {
    const routes = modelOf(vhost('<Location /a>\nProxyPass http://one/\nProxyPass http://two/\n</Location>\n<LocationMatch "^/re/(.*)">\nProxyPassMatch http://re/$1\n</LocationMatch>')).virtualHosts[0]!.routes;
    expect(routes.map((r) => [matchText(r.match), r.target?.url, r.origin.locationIsRegex])).toEqual([
      ['~^/re/(.*)', 'http://re/$1', true],
      ['/a', 'http://two/', false],
    ]);
  });

  it('parses targets: default ports, unix sockets, balancers', () => {
    const routes = modelOf(vhost('ProxyPass /a https://Backend.Example/app\nProxyPass /b unix:/run/app.sock|http://localhost/\nProxyPass /c balancer://Cluster/\nProxyPass /d http://[::1]:8080')).virtualHosts[0]!.routes;
    expect(routes.map((r) => r.target)).toEqual([
      { url: 'https://Backend.Example/app', scheme: 'https', host: 'backend.example', port: 443, path: '/app', balancer: null, unixSocket: null },
      { url: 'unix:/run/app.sock|http://localhost/', scheme: 'http', host: 'localhost', port: null, path: '/', balancer: null, unixSocket: '/run/app.sock' },
      { url: 'balancer://Cluster/', scheme: 'balancer', host: 'Cluster', port: null, path: '/', balancer: 'cluster', unixSocket: null },
      { url: 'http://[::1]:8080', scheme: 'http', host: '[::1]', port: 8080, path: '', balancer: null, unixSocket: null },
    ]);
  });

  it.each([
    [vhost('ProxyPass /a not-a-url'), 'model/invalid-url'],
    [vhost('ProxyPass /a http:///nohost'), 'model/invalid-url'],
    [vhost('ProxyPass /a http://b/ timeout=0'), 'model/invalid-parameter'],
    [vhost('ProxyPass /a http://b/ frobnicate=1'), 'model/invalid-parameter'],
    [vhost('<Location /a>\nProxyPass /a http://b/\n</Location>'), 'model/invalid-proxypass'],
    [vhost('ProxyPass /only'), 'model/invalid-proxypass'],
  ])('reports what apache2 refuses as an error: %j', (text, code) => {
    const r = compileText(text);
    expect(r.model).not.toBeNull();
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([code]);
    expect(r.model!.virtualHosts[0]!.routes).toEqual([]);
  });
});

describe('compile: worker parameters with defaults explicit', () => {
  it('takes timeout from ProxyTimeout, else Timeout; connectiontimeout follows timeout', () => {
    const m = modelOf('Timeout 45\n' + vhost('ProxyPass /a http://a/') + vhost('ProxyTimeout 9\nProxyPass /b http://b/'));
    expect(m.virtualHosts[0]!.routes[0]!.worker).toMatchObject({ timeout: 45, connectionTimeout: 45, retry: 60, keepalive: false, disableReuse: false, loadFactor: 1, lbset: 0, ping: 0, max: null, min: 0 });
    expect(m.virtualHosts[0]!.routes[0]!.worker!.status.ignoreErrors).toBe(true);
    expect(m.virtualHosts[1]!.routes[0]!.worker).toMatchObject({ timeout: 9, connectionTimeout: 9 });
  });

  it('reads every parameter the way mod_proxy does', () => {
    const w = modelOf(vhost('ProxyPass /a ws://a/ timeout=1.5 retry=0 connectiontimeout=250ms keepalive=On max=20 smax=5 ttl=30 ping=2 flushpackets=on')).virtualHosts[0]!.routes[0]!.worker!;
    expect(w).toMatchObject({ timeout: 1, retry: 0, connectionTimeout: 0.25, keepalive: true, max: 20, smax: 5, ttl: 30, ping: 2, upgrade: 'WebSocket', other: { flushpackets: 'on' } });
  });

  it('turns connection reuse off for a ProxyPassMatch URL with $n unless enablereuse=on', () => {
    const routes = modelOf(vhost('ProxyPassMatch ^/a/(.*) http://a/$1\nProxyPassMatch ^/b/(.*) http://b/$1 enablereuse=on\nProxyPassMatch ^/c http://c/')).virtualHosts[0]!.routes;
    expect(routes.map((r) => r.worker!.disableReuse)).toEqual([true, false, false]);
  });

  it('shares a worker with an earlier ProxyPass whose URL it extends, and warns about ignored parameters (AH01146)', () => {
    const r = compileText(vhost('ProxyPass /a http://b:8080/ timeout=5\nProxyPass /c http://b:8080/app timeout=9\nProxyPass /d http://B:8080/x'));
    const routes = r.model!.virtualHosts[0]!.routes;
    expect(routes.map((x) => x.worker!.timeout)).toEqual([5, 5, 5]);
    expect(codes(r)).toEqual(['model/worker-shared']);
    expect(r.diagnostics[0]!.message).toContain('timeout=9');
  });

  it('applies ProxySet in <Proxy url> to the worker of that URL', () => {
    const w = modelOf(vhost('<Proxy http://b:8080/>\nProxySet timeout=12 keepalive=On\n</Proxy>\nProxyPass /a http://b:8080/api')).virtualHosts[0]!.routes[0]!.worker!;
    expect([w.timeout, w.keepalive]).toEqual([12, true]);
  });
});

describe('compile: balancers', () => {
  it('reads <Proxy balancer://…>, BalancerMember parameters, ProxySet and ProxyPass balancer parameters', () => {
    const m = modelOf(
      vhost(
        '<Proxy "balancer://App">\nBalancerMember http://a:1 loadfactor=2.5 route=r1\nBalancerMember http://b:1 lbset=1 status=+H retry=5\nProxySet lbmethod=bybusyness\n</Proxy>\n' +
          'ProxyPass / balancer://app/ stickysession=JSESSIONID|jsessionid nofailover=On maxattempts=3 failonstatus=502,503',
      ),
    );
    expect(m.balancers).toHaveLength(1);
    const b = m.balancers[0]!;
    expect({ name: b.name, url: b.url, lbmethod: b.lbmethod, sticky: b.stickySession, nofailover: b.noFailover, max: b.maxAttempts, fail: b.failOnStatus, sep: b.stickySessionSep, fr: b.forceRecovery }).toEqual({
      name: 'app',
      url: 'balancer://app',
      lbmethod: 'bybusyness',
      sticky: 'JSESSIONID|jsessionid',
      nofailover: true,
      max: 3,
      fail: [502, 503],
      sep: '.',
      fr: true,
    });
    expect(b.members.map((x) => [x.url, x.params.loadFactor, x.params.route, x.params.lbset, x.params.status.hotStandby, x.params.retry, x.params.status.ignoreErrors])).toEqual([
      ['http://a:1', 2.5, 'r1', 0, false, 60, false],
      ['http://b:1', 1, null, 1, true, 5, false],
    ]);
    expect(m.virtualHosts[0]!.routes[0]!.target!.balancer).toBe('app');
    expect(m.virtualHosts[0]!.routes[0]!.worker).toBeNull();
  });

  it('accepts BalancerMember outside <Proxy> with the balancer URL first, defined after the ProxyPass that uses it', () => {
    const r = compileText('ProxyPass /x balancer://late\nBalancerMember balancer://late http://m1:80 timeout=3\n');
    expect(codes(r)).toEqual([]);
    expect(r.model!.balancers[0]!.members.map((x) => [x.url, x.params.timeout])).toEqual([['http://m1:80', 3]]);
  });

  it('warns that a balancer with no member answers 503', () => {
    const r = compileText(vhost('ProxyPass / balancer://nowhere/'));
    expect(codes(r)).toEqual(['model/empty-balancer']);
    expect(r.diagnostics[0]!.severity).toBe('warning');
    expect(r.model!.balancers.map((b) => [b.name, b.members.length])).toEqual([['nowhere', 0]]);
  });
});

describe('compile: reverse rules, headers, handlers, logs', () => {
  it('orders ProxyPassReverse: main server, vhost, then <Location> ones; reads cookie rules', () => {
    const rev = modelOf('ProxyPassReverse /m http://m/\n' + vhost('<Location /l>\nProxyPassReverse http://l/\n</Location>\nProxyPassReverse / http://v/ interpolate\nProxyPassReverseCookieDomain backend.local example.com\nProxyPassReverseCookiePath /app /')).virtualHosts[0]!.reverse;
    expect(rev.map((r) => (r.kind === 'url' ? `${r.path} ${r.url} ${r.location ?? '-'} ${r.interpolate}` : `${r.kind} ${r.internal} ${r.public}`))).toEqual([
      '/m http://m/ - false',
      '/ http://v/ - true',
      'cookie-domain backend.local example.com',
      'cookie-path /app /',
      '/l http://l/ /l false',
    ]);
  });

  it('reads header behaviour: ProxyAddHeaders, ProxyVia, RequestHeader and Header (main server first)', () => {
    const s = modelOf('RequestHeader set X-Main 1\n' + vhost('ProxyAddHeaders Off\nProxyVia Full\nRequestHeader unset Authorization early\nHeader always set Strict-Transport-Security "max-age=63072000"\nHeader edit Location ^http: https:')).virtualHosts[0]!;
    expect([s.headers.addHeaders, s.headers.via]).toEqual([false, 'full']);
    expect(s.headers.request.map((h) => [h.action, h.header, h.value, h.when, h.condition])).toEqual([
      ['set', 'X-Main', '1', null, null],
      ['unset', 'Authorization', null, 'early', null],
    ]);
    expect(s.headers.response.map((h) => [h.condition, h.action, h.header, h.value, h.replacement])).toEqual([
      ['always', 'set', 'Strict-Transport-Security', 'max-age=63072000', null],
      ['onsuccess', 'edit', 'Location', '^http:', 'https:'],
    ]);
  });

  it('models balancer-manager and server-status handlers with their Require lines; other Require lines are unsupported', () => {
    const m = modelOf(vhost('<Location /balancer-manager>\nSetHandler balancer-manager\nRequire ip 10.0.0.0/8\nRequire host admin.example\n</Location>\n<Location /server-status>\nSetHandler server-status\n</Location>\n<Location /private>\nRequire all denied\n</Location>'));
    expect(m.virtualHosts[0]!.handlers.map((h) => [h.path, h.handler, h.require])).toEqual([
      ['/balancer-manager', 'balancer-manager', [['ip', '10.0.0.0/8'], ['host', 'admin.example']]],
      ['/server-status', 'server-status', []],
    ]);
    expect(m.unsupported.map((u) => [u.directive, u.category])).toEqual([['Require', 'unsupported']]);
    expect(m.unsupported[0]!.reason).toContain('access control');
  });

  it('resolves LogFormat nicknames per server and inherits the main server logs into vhosts without their own', () => {
    const m = modelOf('LogFormat "%h %r" short\nLogFormat "%h only"\nCustomLog /main.log short\n' + vhost('LogFormat "%v %r" short\nCustomLog /v.log short env=!dontlog\nTransferLog /t.log\nErrorLog /v.err\nLogLevel info proxy:debug') + vhost(''));
    const [a, b] = m.virtualHosts;
    expect(a!.logs).toEqual({
      errorLog: '/v.err',
      logLevel: 'info proxy:debug',
      access: [
        { target: '/v.log', format: '%v %r', formatName: 'short', condition: 'env=!dontlog', span: expect.any(Object) },
        { target: '/t.log', format: '%h only', formatName: null, condition: null, span: expect.any(Object) },
      ],
    });
    expect(b!.logs.access.map((l) => [l.target, l.format])).toEqual([['/main.log', '%h %r']]);
    expect(b!.logs.logLevel).toBe('warn');
    expect(m.logFormats.map((f) => f.name)).toEqual(['short', null, 'short']);
  });

  it('uses a LogFormat without nickname, itself naming a nickname, as the TransferLog format', () => {
    const m = modelOf('LogFormat "%h %u" mine\nLogFormat mine\nTransferLog /t.log\n');
    expect(m.mainServer.logs.access.map((l) => l.format)).toEqual(['%h %u']);
    expect(modelOf('TransferLog /t.log\n').mainServer.logs.access.map((l) => l.format)).toEqual(['%h %l %u %t "%r" %>s %b']);
  });

  it("resolves Debian's nicknames for a lone site file and says so; warns about a nickname nobody defines", () => {
    const r = compileText(vhost('CustomLog /a.log combined\nCustomLog /b.log combind'));
    const logs = r.model!.virtualHosts[0]!.logs.access;
    expect(logs[0]).toMatchObject({ formatName: 'combined', format: '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"' });
    expect(logs[1]).toMatchObject({ formatName: null, format: 'combind' });
    expect(r.model!.source.assumptions.some((a) => a.includes('LogFormat combined'))).toBe(true);
    expect(codes(r)).toEqual(['model/unknown-log-format']);
  });
});

describe('compile: what is not modelled', () => {
  it('lists every other active directive with a category and a reason', () => {
    const m = modelOf('ServerAdmin a@b\n<Directory /var/www>\nOptions None\nRequire all granted\n</Directory>\n' + vhost('<Location /p>\nRequire all denied\n</Location>\nRewriteEngine On\nRewriteRule ^/ws/(.*) ws://b/$1 [P]\nRewriteRule ^/old /new [R=301]\nRewriteOptions Inherit\nProxyPass / http://b/\n<Location /x>\nHeader set X 1\n</Location>'));
    expect(m.unsupported.map((u) => [u.directive, u.category, u.reason])).toEqual([
      ['ServerAdmin', 'irrelevant', 'server identity shown to clients, not used for proxying'],
      ['Options', 'irrelevant', 'inside <Directory /var/www>: applies to files served from disk, which proxied requests never map to'],
      ['Require', 'irrelevant', 'inside <Directory /var/www>: applies to files served from disk, which proxied requests never map to'],
      ['Require', 'unsupported', 'inside <Location /p>: access control is not modelled'],
      // RewriteEngine and the [P] rule are modelled (Server.rewrites); the rest of mod_rewrite is not.
      ['RewriteRule', 'unsupported', 'apx runs RewriteRule with [P], [L] and [NC] only, not [R=301]'],
      ['RewriteOptions', 'unsupported', 'mod_rewrite is not modelled'],
      ['Header', 'unsupported', 'inside <Location /x>: apx does not model Header there'],
    ]);
    expect(m.unsupported.every((u) => u.span !== null && u.span.line > 0)).toBe(true);
  });

  it.each([
    ['ProxyPassInherit Off', /main-server ProxyPass rules apply in every vhost regardless/],
    ['Alias /static /srv/static', /apx does not serve files/],
    ['ProxyErrorOverride On', /passes backend error pages through/],
    ['FrobnicateAll On', /not a directive Apache 2.4 knows/],
    ['EnableSendfile On', /client connection tuning/],
  ])('gives %s its reason', (line, reason) => {
    expect(modelOf(`${line}\n`).unsupported.map((u) => u.reason)).toEqual([expect.stringMatching(reason)]);
  });

  it('skips what a false conditional turns off', () => {
    const m = modelOf('<IfModule mod_nonexistent.c>\nProxyPass /off http://off/\nServerAdmin x\n</IfModule>\n<IfModule mod_proxy.c>\nProxyPass /on http://on/\n</IfModule>\n');
    expect(m.mainServer.routes.map((r) => matchText(r.match))).toEqual(['/on']);
    expect(m.unsupported).toEqual([]);
  });
});

describe('compile: output properties', () => {
  const text = 'Listen 80\nProxyPass /a http://u:secret@b/\n' + vhost('ProxyPass /x ajp://c:8009/ secret=hush\nRewriteRule ^/y http://u:pw@d/ [P]');

  it('gives schema-valid models with a span on every node that has a source', () => {
    const m = modelOf(text);
    const v = validateModel(JSON.parse(JSON.stringify(m)));
    expect(v.valid ? [] : v.errors).toEqual([]);
    expect(m.mainServer.routes[0]!.span).toEqual({ file: '/site.conf', line: 2, column: 1, endLine: 2, endColumn: 32 });
  });

  it('is deterministic: two compiles, same bytes', () => {
    expect(JSON.stringify(modelOf(text))).toBe(JSON.stringify(modelOf(text)));
  });

  it('redacts passwords in URLs and AJP secrets without touching the original', () => {
    const m = modelOf(text);
    const r = JSON.stringify(redactSecrets(m));
    expect(r).not.toContain('secret@');
    expect(r).not.toContain('hush');
    expect(r).not.toContain(':pw@');
    expect(r).toContain('http://u:REDACTED@b/');
    expect(m.mainServer.routes[0]!.target!.url).toBe('http://u:secret@b/');
  });
});
