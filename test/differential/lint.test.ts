/**
 * apx lint against real Apache 2.4 on the tutorial's balancer config (samples/000-default.balancer.conf) with each
 * module it needs left out in turn. Apache's behaviour, observed here on every run:
 * - all modules: configtest passes, the server starts, a request is answered 200 by a member;
 * - no mod_proxy_http: "Syntax OK", starts, and every request gets 503 (members have no protocol handler);
 * - no mod_proxy_balancer: "Syntax OK", starts, and every request gets 500 (no handler for scheme 'balancer');
 * - no mod_lbmethod_byrequests, or no mod_slotmem_shm: the server does not start.
 * apx lint (with --modules set to the same list) must exit 1 exactly when Apache fails or answers 5xx, naming the
 * rule and the exact a2enmod command; and 0 when Apache serves the request.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apacheAvailable, apacheSkipReason, configTest, createServerRoot, disposeAllApache, startApache } from '../support/apache.js';
import { request, startTextBackend, type Backend } from '../support/backends.js';
import { runCli } from '../cli/harness.js';

const ALL = ['proxy', 'proxy_http', 'slotmem_shm', 'proxy_balancer', 'lbmethod_byrequests'];

/** The tutorial's balancer site, on the harness's port, members pointing at live text backends. */
const SITE = `<VirtualHost *:{{PORT}}>
    <Proxy balancer://mycluster>
        BalancerMember {{B1}}/
        BalancerMember {{B2}}/
    </Proxy>
    ProxyPreserveHost On
    ProxyPass / balancer://mycluster/
    ProxyPassReverse / balancer://mycluster/
</VirtualHost>
`;

interface Case {
  readonly left: string | null;
  /** What Apache does without it. */
  readonly apache: 'serves' | '503' | '500' | 'does not start';
  /** Apache's own words for it (error log at start-up). */
  readonly says?: RegExp;
  readonly rule?: string;
  readonly hint?: string;
}

const CASES: readonly Case[] = [
  { left: null, apache: 'serves' },
  { left: 'proxy_http', apache: '503', rule: 'proxy-handler-missing', hint: 'a2enmod proxy_http' },
  { left: 'proxy_balancer', apache: '500', rule: 'balancer-provider-missing', hint: 'a2enmod proxy_balancer' },
  { left: 'lbmethod_byrequests', apache: 'does not start', says: /AH02432: Cannot find LB Method: byrequests/, rule: 'balancer-provider-missing', hint: 'a2enmod lbmethod_byrequests' },
  { left: 'slotmem_shm', apache: 'does not start', says: /AH01177: Failed to lookup provider 'shm' for 'slotmem'/, rule: 'balancer-provider-missing', hint: 'a2enmod slotmem_shm' },
];

// The tutorial's two Flask-style backends, shared by both tables below.
let b1: Backend;
let b2: Backend;
beforeAll(async () => {
  b1 = await startTextBackend('Hello world!');
  b2 = await startTextBackend('Howdy world!');
});
afterAll(async () => {
  await disposeAllApache();
  await b1?.close();
  await b2?.close();
});

describe.skipIf(!apacheAvailable())(`apx lint vs Apache on the tutorial balancer ${apacheSkipReason()}`, () => {

  it.each(CASES.map((c) => [c.left ?? 'nothing', c] as const))('without %s', async (_name, c) => {
    const modules = ALL.filter((m) => m !== c.left);
    const root = await createServerRoot({ modules, resolveDepends: false, config: SITE, vars: { B1: b1.url, B2: b2.url } });
    // `apachectl configtest` accepts every one of these configs: it runs no post_config hook.
    const test = await configTest(root);
    expect(test.output).toContain('Syntax OK');
    let outcome: Case['apache'];
    let startError = '';
    {
      const httpd = await startApache(root).catch((e: unknown) => ((startError = String(e)), null));
      if (httpd === null) outcome = 'does not start';
      else {
        const r = await request(`${httpd.url}/`);
        outcome = r.status === 200 ? 'serves' : r.status === 503 ? '503' : r.status === 500 ? '500' : 'serves';
        if (r.status === 200) expect(r.text).toMatch(/(Hello|Howdy) world!/);
        await httpd.stop();
      }
    }
    expect(outcome).toBe(c.apache);
    if (c.says) expect(startError).toMatch(c.says);

    const lint = await runCli(['lint', '--format', 'json', '--modules', modules.join(','), '-'], root.render(SITE));
    const found = JSON.parse(lint.stdout) as { code: string; severity: string; hint: string | null }[];
    const errors = found.filter((d) => d.severity === 'error');
    if (c.rule === undefined) {
      expect(errors).toEqual([]);
      expect(lint.code).toBe(0);
    } else {
      expect(lint.code).toBe(1);
      expect(errors.map((d) => [d.code, d.hint])).toEqual([[c.rule, c.hint]]);
    }
  });
});

/** Two more things configtest accepts and the running server gets wrong, and one it refuses. */
describe.skipIf(!apacheAvailable())(`apx lint vs Apache on ProxyPass mistakes ${apacheSkipReason()}`, () => {
  let b: Backend;
  beforeAll(async () => {
    b = await startTextBackend('ok');
  });
  afterAll(async () => {
    await disposeAllApache();
    await b?.close();
  });
  const MODULES = ['proxy', 'proxy_http'];

  it('ProxyPass / http://b:port (no trailing slash): /x goes to http://b:portx, 500; apx: trailing-slash-mismatch', async () => {
    const config = 'ProxyPass / {{B}}\nProxyPassReverse / {{B}}\n';
    const root = await createServerRoot({ modules: MODULES, config, vars: { B: b.url } });
    expect((await configTest(root)).output).toContain('Syntax OK');
    const httpd = await startApache(root);
    expect((await request(`${httpd.url}/`)).status).toBe(200);
    expect((await request(`${httpd.url}/x`)).status).toBe(500);
    expect(httpd.errorLog()).toContain(`DNS lookup failure for: ${b.hostPort}x`);
    await httpd.stop();
    const lint = await runCli(['lint', '--format', 'json', '--modules', MODULES.join(','), '-'], root.render(config));
    expect(lint.code).toBe(1);
    const found = JSON.parse(lint.stdout) as { code: string; severity: string; hint: string | null }[];
    expect(found.filter((d) => d.severity === 'error').map((d) => [d.code, d.hint])).toEqual([['trailing-slash-mismatch', `ProxyPass / ${b.url}/`]]);
  });

  it('a longer URL under an earlier worker: Apache ignores its parameters (AH01146); apx: proxy-worker-shared', async () => {
    const config = 'ProxyPass /api/ {{B}}/\nProxyPassReverse /api/ {{B}}/\nProxyPass /reports/ {{B}}/reports/ timeout=600\nProxyPassReverse /reports/ {{B}}/reports/\n';
    const root = await createServerRoot({ modules: MODULES, config, vars: { B: b.url } });
    const httpd = await startApache(root);
    expect(httpd.errorLog()).toContain(`AH01146: Ignoring parameter 'timeout=600' for worker '${b.url}/' because of worker sharing`);
    await httpd.stop();
    const lint = await runCli(['lint', '--format', 'json', '--modules', MODULES.join(','), '-'], root.render(config));
    expect(lint.code).toBe(0);
    expect(JSON.parse(lint.stdout)).toMatchObject([{ code: 'proxy-worker-shared', severity: 'warning', line: 3, hint: 'put timeout=600 on the ProxyPass at line 1, which defines the worker' }]);
  });

  it.each([
    ['retries=3', 'ProxyPass unknown Worker parameter'],
    ['timeout=soon', 'ProxyPass Timeout must be at least one second'],
  ])('ProxyPass … %s is refused at start-up; apx: proxy-param-invalid with Apache\'s words', async (param, apacheSays) => {
    const config = `ProxyPass / {{B}}/ ${param}\nProxyPassReverse / {{B}}/\n`;
    const root = await createServerRoot({ modules: MODULES, config, vars: { B: b.url } });
    const test = await configTest(root);
    expect(test.ok).toBe(false);
    expect(test.output).toContain(apacheSays);
    const lint = await runCli(['lint', '--format', 'json', '--modules', MODULES.join(','), '-'], root.render(config));
    expect(lint.code).toBe(1);
    const found = JSON.parse(lint.stdout) as { code: string; message: string }[];
    expect(found.map((d) => d.code)).toEqual(['proxy-param-invalid']);
    expect(found[0]!.message).toContain(apacheSays);
  });
});

describe.skipIf(!apacheAvailable())(`apx lint vs Apache on TLS without a certificate ${apacheSkipReason()}`, () => {
  afterAll(disposeAllApache);

  it('SSLEngine on with the certificate lines commented out: configtest passes, Apache does not start; apx: ssl-certificate-missing', async () => {
    const config = '<VirtualHost *:{{PORT}}>\n    SSLEngine on\n    #SSLCertificateFile /etc/ssl/certs/ssl-cert-snakeoil.pem\n</VirtualHost>\n';
    const root = await createServerRoot({ modules: ['ssl'], config });
    const test = await configTest(root);
    let startError = '';
    const httpd = await startApache(root).catch((e: unknown) => ((startError = String(e)), null));
    if (httpd) await httpd.stop();
    expect({ configtest: test.output.trim(), started: httpd !== null }).toEqual({ configtest: 'Syntax OK', started: false });
    expect(startError).toContain('AH02572');
    const lint = await runCli(['lint', '--format', 'json', '--modules', 'ssl', '-'], root.render(config));
    expect(lint.code).toBe(1);
    expect((JSON.parse(lint.stdout) as { code: string }[]).map((d) => d.code)).toEqual(['ssl-certificate-missing']);
  });
});

/**
 * The matrix on the repository's two samples: the full module set each needs, then each module left out
 * (exactly that list loaded, no Depends added). Whatever Apache does — refuses the config, fails to start, answers
 * 5xx, or serves the page — apx lint with the same --modules must exit 1 exactly when Apache does not serve 200.
 */
const SAMPLES: readonly { readonly file: string; readonly modules: readonly string[] }[] = [
  { file: 'samples/000-default.conf', modules: ['proxy', 'proxy_http'] },
  { file: 'samples/000-default.balancer.conf', modules: ALL },
];

describe.skipIf(!apacheAvailable())(`apx lint exits 1 exactly when Apache fails, on the samples × module sets ${apacheSkipReason()}`, () => {

  const rows = SAMPLES.flatMap((s) => [null, ...s.modules].map((left) => [s.file, left ?? 'nothing', s, left] as const));
  it.each(rows)('%s without %s', async (_file, _left, sample, left) => {
    const text = readFileSync(new URL(`../../${sample.file}`, import.meta.url), 'utf8')
      .replace(/<VirtualHost \*:80>/g, '<VirtualHost *:{{PORT}}>')
      .replace(/http:\/\/127\.0\.0\.1:8080/g, '{{B1}}')
      .replace(/http:\/\/127\.0\.0\.1:8081/g, '{{B2}}');
    const modules = sample.modules.filter((m) => m !== left);
    const root = await createServerRoot({ modules, resolveDepends: false, config: text, vars: { B1: b1.url, B2: b2.url } });
    let serves = false;
    if ((await configTest(root)).ok) {
      const httpd = await startApache(root).catch(() => null);
      if (httpd) {
        serves = (await request(`${httpd.url}/`)).status === 200;
        await httpd.stop();
      }
    }
    expect(serves).toBe(left === null);
    const lint = await runCli(['lint', '--format', 'json', '--modules', modules.join(','), '-'], root.render(text));
    expect(lint.code, lint.stdout).toBe(serves ? 0 : 1);
  });
});
