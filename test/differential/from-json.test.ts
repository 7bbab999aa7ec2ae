/**
 * `apx from-json` writes configs real Apache accepts: for every sample, the public site files of the corpus and a
 * set of inline configs covering what the model holds (Location routes, regexes, exclusions, balancers with every
 * setting, handlers, headers, logs), the model is built back into text and `apache2 -t` must say "Syntax OK".
 * One control row feeds Apache a parameter it refuses, so the check is known to be able to fail.
 *
 * Apache runs with a private ServerRoot (test/support/apache.ts) and the proxy modules loaded; the built text is
 * `Include`d as input.conf, the way a site file is read.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../support/corpus.js';
import { buildConfig } from '../../src/build/index.js';
import { load } from '../../src/config/index.js';
import { compile } from '../../src/model/index.js';
import { apacheAvailable, apacheSkipReason, configTest, createServerRoot, disposeAllApache, type ServerRoot } from '../support/apache.js';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MODULES = ['proxy', 'proxy_http', 'proxy_wstunnel', 'proxy_balancer', 'lbmethod_byrequests', 'lbmethod_bybusyness', 'lbmethod_bytraffic', 'slotmem_shm', 'headers', 'status', 'rewrite', 'authz_host'];

const INLINE: Record<string, string> = {
  'main-server rules inherited by vhosts':
    'ServerName main\nTimeout 30\nProxyTimeout 20\nProxyPass /shared http://s/\nProxyPassReverse /shared http://s/\nRequestHeader set X-A 1\n<Location /m>\nProxyPass http://ml/ timeout=5\n</Location>\n<VirtualHost *:80>\nServerName a\nTimeout 10\nProxyPass /a http://a:81/x retry=0 keepalive=On connectiontimeout=250ms ping=2 max=20 smax=5 ttl=30\nRequestHeader append X-B "two words"\n</VirtualHost>\n<VirtualHost *:8080>\nProxyPassReverse / http://b/\n</VirtualHost>\n',
  'locations, regexes and exclusions':
    '<VirtualHost *:80>\nProxyPass /static !\nProxyPass ~ ^/img/(.*)$ http://img/$1\nProxyPassMatch "^/api/(.*)$" http://api:8080/v1/$1 nocanon enablereuse=on\n<Location /a>\nProxyPass http://la/ noquery\nProxyPassReverse http://la/\n</Location>\n<Location /a/b>\nProxyPass !\n</Location>\n<LocationMatch "^/re/(.*)">\nProxyPassMatch http://re/$1\n</LocationMatch>\nProxyPass /ws ws://chat:9000/ upgrade=websocket\nProxyPass /sock unix:/run/app.sock|http://localhost/ mapping=servlet\n</VirtualHost>\n',
  'a balancer with every setting':
    '<Proxy balancer://app>\nBalancerMember http://a:1 loadfactor=2.5 route=r1 connectiontimeout=250ms\nBalancerMember http://b:1 lbset=1 status=+H-I retry=5 max=3 redirect=r1\nProxySet lbmethod=bybusyness stickysession=JSESSIONID|jsessionid nofailover=On maxattempts=2 failonstatus=502,503 timeout=4 forcerecovery=Off growth=5 scolonpathdelim=On stickysessionsep=~ failontimeout=On\n</Proxy>\nBalancerMember balancer://other http://c:1\n<VirtualHost *:80>\nProxyPass /o balancer://other/\nProxyPass / balancer://app/\nProxyPassReverse / balancer://app/\n<Location /balancer-manager>\nSetHandler balancer-manager\nRequire ip 10.0.0.0/8\n</Location>\n<Location /server-status>\nSetHandler server-status\nRequire local\n</Location>\n</VirtualHost>\n',
  'headers and logs':
    'LogFormat "%h %r" short\nLogFormat "%h default"\nCustomLog {{LOGS}}/a.log short\n<VirtualHost *:80>\nServerName s.example\nServerAlias www.s.example other.example\nProxyVia Full\nProxyAddHeaders Off\nProxyPreserveHost On\nAllowEncodedSlashes NoDecode\nHeader always set Strict-Transport-Security "max-age=63072000"\nHeader edit Location ^http: https:\nRequestHeader unset Authorization early\nHeader set X-Env 1 env=HTTPS\nCustomLog {{LOGS}}/v.log "%v %h" env=!quiet\nTransferLog {{LOGS}}/t.log\nErrorLog {{LOGS}}/v-error.log\nLogLevel info proxy:debug\nProxyPassReverseCookieDomain backend.local s.example\nProxyPassReverseCookiePath /app /\nProxyPass / http://backend/\n</VirtualHost>\n',
};

interface Row {
  readonly name: string;
  readonly text: string;
}

function rows(): Row[] {
  const out: Row[] = [];
  for (const f of readdirSync(join(REPO, 'samples')).filter((x) => x.endsWith('.conf')).sort()) {
    out.push({ name: `samples/${f}`, text: readFileSync(join(REPO, 'samples', f), 'utf8') });
  }
  try {
    // The public site files of the corpus (gh-*): real proxy configs written by people.
    for (const f of readdirSync(join(CORPUS, 'files')).filter((x) => x.startsWith('gh-')).sort()) {
      out.push({ name: `corpus/files/${f}`, text: readFileSync(join(CORPUS, 'files', f), 'utf8') });
    }
  } catch {
    // no corpus here: the samples and inline rows still run
  }
  for (const [name, text] of Object.entries(INLINE)) out.push({ name, text });
  return out;
}

const INPUT = 'input.conf';
let root: ServerRoot | undefined;

async function apacheSays(text: string): Promise<{ ok: boolean; output: string }> {
  if (!root) throw new Error('no ServerRoot (beforeAll failed)');
  writeFileSync(root.path(INPUT), root.render(text));
  const r = await configTest(root);
  return { ok: r.ok, output: r.output };
}

describe.skipIf(!apacheAvailable())(`from-json output is accepted by apache2 -t ${apacheSkipReason()}`, () => {
  beforeAll(async () => {
    root = await createServerRoot({ modules: MODULES, files: { [INPUT]: '' }, include: INPUT });
  });
  afterAll(disposeAllApache);

  it('control: apache2 -t refuses what it should (the check can fail)', async () => {
    const r = await apacheSays('ProxyPass /x http://b/ timeout=0\n');
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/Timeout must be at least one second/);
  });

  it.each(rows())('$name', async ({ text }) => {
    const rendered = root!.render(text);
    const loaded = load({ file: '/input.conf', text: rendered }, { noTreeDetection: true, modules: MODULES });
    const { model, diagnostics } = compile(loaded);
    expect(model).not.toBeNull();
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // `apache2 -t` binds no socket, so the model's own Listen lines (80, 8080 …) are checked as written.
    const built = buildConfig(model!);
    const r = await apacheSays(built);
    expect(r.ok, `${built}\n--- apache2 -t said:\n${r.output}`).toBe(true);
  });
});
