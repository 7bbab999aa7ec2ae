/**
 * Every file of the shared corpus of real configs (../shared/corpus, or $APX_CORPUS), read alone, and every server
 * tree in it, read from its root file with its ServerRoot and its links made real (./corpus-trees.ts):
 *   - compile() gives a model (a syntax error never makes one impossible) that the JSON Schema accepts;
 *   - the output is stable: two compiles, the same bytes;
 *   - the JSON apx prints is JSON.stringify's, byte for byte (to-json writes it with an explicit-stack serializer);
 *   - `to-json --ast | from-json` gives back the file byte for byte;
 *   - `to-json | from-json` gives a config that compiles back to an equal model (spans, the source block and
 *     `unsupported` aside: from-json writes only what the model represents);
 *   - each tree has the listeners and virtual hosts its files define (checked by reading them; against real
 *     apache2 -S in ./corpus-apache.system.test.ts), and certbot-compat's trees the vhosts and modules that
 *     `apache2 -S` / `apache2 -M` reported on the machine they were taken from (saved beside them).
 * Rows come from walking what is present, never from a list of names; a new tree needs its expected summary.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORPUS, walkFiles } from '../support/corpus.js';
import { buildConfig } from '../../src/build/index.js';
import { load, type LoadResult } from '../../src/config/index.js';
import { compile, validateModel, type ProxyModel } from '../../src/model/index.js';
import { moduleByName } from '../../src/directives/index.js';
import { fromAstJson, stringifyJson, toAstJson, type JsonAst } from '../../src/syntax/json.js';
import { parse } from '../../src/syntax/parse.js';
import { linkTarget } from '../config/helpers.js';
import { corpusTrees, loadTree, modelVhosts, parseDumpVhosts, sortedEntriesOf, summary } from './corpus-trees.js';
import { comparable } from './helpers.js';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));


interface Row {
  readonly rel: string;
  readonly path: string;
  readonly text: string;
}

const present = existsSync(CORPUS);
const files: Row[] = [];
/** Link stubs (the corpus's way of storing a symlink): not configuration; their targets are rows of their own. */
const links: string[] = [];
if (present) {
  for (const path of walkFiles(CORPUS)) {
    const bytes = readFileSync(path);
    if (bytes.includes(0)) continue; // binary (Debian's mime magic database): not configuration text
    const rel = relative(CORPUS, path);
    if (linkTarget(path) !== null) links.push(rel);
    else files.push({ rel, path, text: bytes.toString('utf8') });
  }
}
const trees = present ? corpusTrees(CORPUS) : [];
const samples = readdirSync(join(REPO, 'samples'))
  .filter((f) => f.endsWith('.conf'))
  .sort()
  .map((f) => ({ rel: `samples/${f}`, path: join(REPO, 'samples', f), text: readFileSync(join(REPO, 'samples', f), 'utf8') }));

function modelOf(loaded: LoadResult): ProxyModel {
  const { model } = compile(loaded);
  expect(model, 'compile() gave no model').not.toBeNull();
  const json = JSON.stringify(model);
  expect(stringifyJson(model) === json, 'stringifyJson differs from JSON.stringify').toBe(true);
  expect(stringifyJson(model, 2) === JSON.stringify(model, null, 2), 'stringifyJson (pretty) differs from JSON.stringify').toBe(true);
  const v = validateModel(JSON.parse(json));
  expect(v.valid ? [] : v.errors).toEqual([]);
  return model!;
}

/** `to-json | from-json`, then compile the text as a lone file with the same modules. */
function roundTrip(model: ProxyModel): void {
  const text = buildConfig(model);
  const again = compile(load({ file: '/rebuilt.conf', text }, { noTreeDetection: true, modules: model.source.modules }));
  expect(again.model, text).not.toBeNull();
  const before = comparable(model) as { listeners: unknown };
  const after = comparable(again.model!) as { listeners: unknown };
  // A tree with no Listen at all (apache2 would not start) has no text that says so in a lone file, where apx
  // derives listeners from the vhosts instead.
  if (model.listeners.length === 0) after.listeners = [];
  expect(after, text).toEqual(before);
}

describe.skipIf(!present)(`model of every corpus file read alone (${files.length} files, ${CORPUS})`, () => {
  it.each(files)('$rel', ({ path, text }) => {
    const loaded = load({ file: path, text }, { noTreeDetection: true });
    const model = modelOf(loaded);
    expect(JSON.stringify(compile(loaded).model)).toBe(JSON.stringify(model));
    roundTrip(model);

    const doc = toAstJson(parse(text, path).ast);
    const json = stringifyJson(doc);
    expect(json === JSON.stringify(doc), 'stringifyJson differs from JSON.stringify').toBe(true);
    expect(stringifyJson(doc, 2) === JSON.stringify(doc, null, 2), 'stringifyJson (pretty) differs from JSON.stringify').toBe(true);
    expect(fromAstJson(JSON.parse(json) as JsonAst)).toBe(text);
  });

  it('link stubs are recognised, not read as config', () => {
    // The Debian tree alone has dozens (mods-enabled/, conf-enabled/, sites-enabled/).
    expect(links.filter((l) => l.startsWith('debian-apache2/')).length).toBeGreaterThan(20);
    expect(links).toContain('debian-apache2/sites-enabled/000-default.conf');
  });
});

/**
 * What each tree defines, from reading its files: `address -> vhost indices` per listener, and per vhost its
 * addresses, ServerName (+aliases), DocumentRoot, whether SSLEngine is on, whether it shares an address (name-based)
 * and where it is written. Debian's default install is one vhost on *:80; certbot's trees add their sites.
 */
const EXPECTED: Record<string, { listeners: string[]; vhosts: string[] }> = {
  'debian-apache2/apache2.conf': {
    listeners: ['*:80 -> 0'],
    vhosts: ['*:80 (no ServerName) root=/var/www/html ip-based @sites-enabled/000-default.conf:1'],
  },
  'certbot-compat/simple_vhost/apache2/apache2.conf': {
    listeners: ['*:80 -> 0,1'],
    vhosts: [
      '*:80 (no ServerName) root=/var/www/html name-based @sites-enabled/000-default.conf:1',
      '*:80 www.example.com +example.com root=/var/www/html name-based @sites-enabled/example.conf:1',
    ],
  },
  'certbot-compat/two_vhost_80/apache2/apache2.conf': {
    listeners: ['*:80 -> 0,1,2'],
    vhosts: [
      '*:80 ip-172-30-0-17 root=/var/www/html name-based @sites-enabled/000-default.conf:1',
      '*:80 encryption-example.demo root=/var/www-encryption-example/static/ name-based @sites-enabled/encryption-example.conf:1',
      '*:80 letsencrypt.demo root=/var/www-letsencrypt-reworld/static/ name-based @sites-enabled/letsencrypt.conf:1',
    ],
  },
  'certbot-compat/vhost_with_tls/apache2/apache2.conf': {
    listeners: ['*:80 -> 0,2', '*:443 -> 1'],
    vhosts: [
      '*:80 (no ServerName) root=/var/www/html name-based @sites-enabled/000-default.conf:1',
      '*:443 example.com +www.example.com root=/var/www/html tls ip-based @sites-enabled/example-ssl.conf:1',
      '*:80 example.com +www.example.com root=/var/www/html name-based @sites-enabled/example.conf:1',
    ],
  },
  'certbot-testdata/centos7_apache/apache/httpd/conf/httpd.conf': {
    listeners: ['*:80 -> 0', '*:443 https -> 1'],
    vhosts: ['*:80 centos.example.com root=/var/www/html ip-based @conf.d/centos.example.com.conf:1', '*:443 (no ServerName) root=/var/www/html tls ip-based @conf.d/ssl.conf:56'],
  },
  // Only an fnmatch Include test and Define/variable tests: no vhost, no Listen.
  'certbot-testdata/complex_parsing/apache2.conf': { listeners: [], vhosts: [] },
  'certbot-testdata/debian_apache_2_4/augeas_vhosts/apache2/apache2.conf': {
    listeners: ['*:80 -> 0,1,2'],
    vhosts: [
      '*:80 wildcard.tld +?.wildcard.tld root=/var/www/html name-based @sites-enabled/another_wildcard.conf:1',
      '*:80,[::]:80 ip-172-30-0-17 root=/var/www/html name-based @sites-enabled/old-and-default.conf:1',
      '*:80 example.net +??.example.net +*.other.example.net +*another.example.net root=/var/www/html name-based @sites-enabled/wildcard.conf:1',
    ],
  },
  'certbot-testdata/debian_apache_2_4/default_vhost/apache2/apache2.conf': {
    listeners: ['*:80 -> 0'],
    vhosts: ['*:80 (no ServerName) root=/var/www/html ip-based @sites-enabled/000-default.conf:1'],
  },
  'certbot-testdata/debian_apache_2_4/multi_vhosts/apache2/apache2.conf': {
    listeners: ['*:80 -> 0,1,2,3'],
    vhosts: [
      '*:80 banana.vomit.net root=/var/www/html name-based @sites-enabled/default.conf:1',
      '*:80 banana.vomit.com root=/var/www/html name-based @sites-enabled/default.conf:12',
      '*:80 1.multi.vhost.tld +first.multi.vhost.tld root=/var/www/html name-based @sites-enabled/multi-vhost.conf:1',
      '*:80 3.multi.vhost.tld +third.multi.vhost.tld root=/var/www/html name-based @sites-enabled/multi-vhost.conf:27',
    ],
  },
  // mod_ssl is not enabled here, so the <IfModule mod_ssl.c> sites (default-ssl, duplicatehttps, ocsp-ssl) are
  // off; `non-symlink.conf` is a real file in sites-enabled; one vhost is written in apache2.conf itself.
  'certbot-testdata/debian_apache_2_4/multiple_vhosts/apache2/apache2.conf': {
    listeners: ['*:80 -> 0,1,2,3,4,5,6'],
    vhosts: [
      '*:80,[::]:80 ip-172-30-0-17 root=/var/www/html name-based @sites-enabled/000-default.conf:1',
      '*:80 certbot.demo +www.certbot.demo root=/var/www-certbot-reworld/static/ name-based @sites-enabled/certbot.conf:1',
      '10.2.3.4:80 duplicate.example.com root=/var/www/html ip-based @sites-enabled/duplicatehttp.conf:1',
      '*:80 encryption-example.demo root=/var/www-encryption-example/static/ name-based @sites-enabled/encryption-example.conf:1',
      '*:80 nonsym.link root=/var/www-certbot-reworld/static/ name-based @sites-enabled/non-symlink.conf:1',
      '*:80 ip-172-30-0-17 +*.blue.purple.com root=/var/www/html name-based @sites-enabled/wildcard.conf:1',
      '*:80 vhost.in.rootconf root=/var/www/html name-based @apache2.conf:196',
    ],
  },
  // Gentoo's Listen lines are inside <IfDefine DEFAULT_VHOST>/<IfDefine SSL>, which its init script passes as -D.
  'certbot-testdata/gentoo_apache/apache/apache2/httpd.conf': {
    listeners: [],
    vhosts: ['*:80 gentoo.example.com root=/var/www/html ip-based @vhosts.d/gentoo.example.com.conf:1'],
  },
};

/** The a2enmod names a Debian-layout tree enables (mods-enabled/NAME.load), links followed. */
function enabledModules(serverRoot: string): string[] {
  const dir = join(serverRoot, 'mods-enabled');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.load')).map((f) => basename(f, '.load')).sort() : [];
}

describe.skipIf(!present)(`model of every server tree in the corpus (${trees.length} trees, links made real)`, () => {
  it('finds the trees', () => {
    expect(trees.map((t) => t.rel)).toContain('debian-apache2/apache2.conf');
    expect(trees.length).toBeGreaterThanOrEqual(8);
  });

  it.each(trees)('$rel', (t) => {
    const loaded = loadTree(t);
    expect(loaded.mode).toBe('tree');
    const errors = [...loaded.diagnostics, ...compile(loaded).diagnostics].filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.code} ${relative(t.serverRoot, d.span.file)}:${d.span.line} ${d.message}`)).toEqual([]);
    const model = modelOf(loaded);
    expect(JSON.stringify(compile(loadTree(t)).model)).toBe(JSON.stringify(model));
    roundTrip(model);

    expect(EXPECTED[t.rel], `no expected summary for the new tree ${t.rel}: add one to EXPECTED`).toBeDefined();
    expect(summary(model, t.serverRoot)).toEqual(EXPECTED[t.rel]);
    // Every module mods-enabled/ turns on is in the model (with the compiled-in ones besides).
    expect(model.source.modules).toEqual(expect.arrayContaining(enabledModules(t.serverRoot)));
    expect(model.source.modules).toEqual(expect.arrayContaining(['core', 'http', 'so']));
  });

  it('the Debian tree: the default site on *:80 and exactly the default modules of a fresh install', () => {
    const t = trees.find((x) => x.rel === 'debian-apache2/apache2.conf')!;
    const model = compile(loadTree(t)).model!;
    expect(model.source.assumptions).toEqual([]);
    expect(model.virtualHosts).toHaveLength(1);
    expect(model.virtualHosts[0]).toMatchObject({ addresses: [{ host: null, port: 80 }], documentRoot: '/var/www/html', serverName: null, routes: [] });
    // apache2.conf's Timeout 300 reaches the vhost; the logs are the site's own, ${APACHE_LOG_DIR} from envvars.
    expect(model.virtualHosts[0]!.timeouts.timeout).toBe(300);
    expect(model.virtualHosts[0]!.logs.errorLog).toBe('/var/log/apache2/error.log');
    expect(model.virtualHosts[0]!.logs.access.map((a) => [a.target, a.formatName])).toEqual([['/var/log/apache2/access.log', 'combined']]);
    const enabled = enabledModules(t.serverRoot);
    expect(enabled).toEqual(expect.arrayContaining(['mpm_event', 'alias', 'authz_core', 'dir', 'mime', 'status', 'reqtimeout']));
    const compiledIn = model.source.modules.filter((m) => moduleByName(m)?.static);
    expect([...model.source.modules].sort()).toEqual([...enabled, ...compiledIn].sort());
  });
});

/**
 * certbot's compatibility-test trees come with `vhosts` and `modules`: what `apache2 -S` and `apache2 -M` printed on
 * the Debian machine (Apache 2.4.10) they were taken from — a record of real httpd reading these very files.
 */
const recorded = trees.filter((t) => existsSync(join(t.serverRoot, '..', 'vhosts')) && existsSync(join(t.serverRoot, '..', 'modules')));

describe.skipIf(recorded.length === 0)('certbot-compat trees against the apache2 -S / -M output recorded with them', () => {
  it.each(recorded)('$rel', (t) => {
    const dump = readFileSync(join(t.serverRoot, '..', 'vhosts'), 'utf8');
    const real = parseDumpVhosts(dump, '/etc/apache2');
    // The recording machine's own name, which a vhost without ServerName answered to.
    const hostname = /default server (\S+) /.exec(dump)?.[1] ?? '';
    const model = compile(loadTree(t)).model!;
    expect(real.size).toBeGreaterThan(0);
    expect(sortedEntriesOf(modelVhosts(model, t.serverRoot, hostname))).toEqual(sortedEntriesOf(real));

    const recordedModules = [...readFileSync(join(t.serverRoot, '..', 'modules'), 'utf8').matchAll(/^ (\w+) \((?:static|shared)\)$/gm)].map((m) => m[1]!);
    const ours = model.source.modules.map((n) => moduleByName(n)?.symbol ?? `${n}_module`);
    expect(recordedModules.length).toBeGreaterThan(10);
    expect([...ours].sort()).toEqual([...recordedModules].sort());
  });
});

describe('model of every sample', () => {
  it.each(samples)('$rel', ({ path, text }) => {
    const model = modelOf(load({ file: path, text }, { noTreeDetection: true }));
    expect(model.virtualHosts.length + model.mainServer.routes.length).toBeGreaterThan(0);
    roundTrip(model);
  });
});
