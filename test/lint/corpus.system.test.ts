/**
 * apx lint over the shared corpus of real configs (../shared/corpus, or $APX_CORPUS): every file is linted the way
 * `apx lint FILE` would (its enclosing server tree found and read when there is one) without a crash; the Debian
 * tree, which Apache starts cleanly, has no error; and the gh-* files get the findings SOURCES.tsv notes say they
 * contain (and not the look-alike mistakes they avoid).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, walkFiles } from '../support/corpus.js';
import { load } from '../../src/config/index.js';
import { INTERNAL_ERROR_CODE, lint } from '../../src/lint/index.js';
import { corpusFs, linkTarget } from '../config/helpers.js';
import { lintText, PROXY_MODULES } from './helpers.js';



const corpusFile = (name: string): string => readFileSync(join(CORPUS, 'files', name), 'utf8');

/** The lines of a rule's findings. */
function lines(name: string, rule: string): number[] {
  return lintText(corpusFile(name), { file: `/corpus/${name}`, modules: PROXY_MODULES })
    .diagnostics.filter((d) => d.code === rule)
    .map((d) => d.span.line);
}

const internal = (r: ReturnType<typeof lint>): string[] =>
  r.diagnostics.filter((d) => d.code === INTERNAL_ERROR_CODE || d.code === 'config/internal').map((d) => d.message);

/** Directories holding a server tree's root file (apache2.conf or httpd.conf). */
const trees = existsSync(CORPUS) ? [...walkFiles(CORPUS)].filter((f) => /\/(apache2|httpd)\.conf$/.test(f)) : [];

describe.skipIf(!existsSync(CORPUS))('apx lint on the corpus', () => {
  it('lints every file alone without crashing', () => {
    let files = 0;
    for (const file of walkFiles(CORPUS)) {
      if (/\.(md|tsv)$/.test(file)) continue; // the corpus's own README and SOURCES.tsv
      if (linkTarget(file) !== null) continue; // a stored symlink, not a config file
      expect(internal(lint(load({ file }, { noTreeDetection: true }))), file).toEqual([]);
      files++;
    }
    expect(files).toBeGreaterThan(20);
  });

  it.each(trees.map((t) => [t.slice(CORPUS.length + 1), t] as const))('lints the tree %s without crashing', (_name, rootFile) => {
    const dir = rootFile.replace(/\/[^/]+$/, '');
    expect(internal(lint(load({ file: rootFile }, { fs: corpusFs(dir), serverRoot: dir })))).toEqual([]);
  });

  it('the default Debian tree, which Apache starts cleanly, has no error', () => {
    const dir = join(CORPUS, 'debian-apache2');
    const result = lint(load({ file: join(dir, 'apache2.conf') }, { fs: corpusFs(dir), serverRoot: dir }));
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span.file}:${d.span.line} ${d.code} ${d.message}`)).toEqual([]);
  });

  it('Alsabar92: balancer with no ProxyPassReverse', () => {
    expect(lines('gh-Alsabar92-balance_cnf-000-default.conf', 'proxy-pass-reverse-missing')).toEqual([39]);
  });

  it('Croburg: seven prefixes with a trailing-slash mismatch, balancer-manager with no Require, /order does not shadow /orderservice', () => {
    const name = 'gh-Croburg-demominikube-000-default.conf';
    const passLines = corpusFile(name).split('\n').flatMap((l, i) => (/^\s*ProxyPass\s/.test(l) ? [i + 1] : []));
    expect(passLines).toHaveLength(7);
    expect(lines(name, 'trailing-slash-mismatch')).toEqual(expect.arrayContaining(passLines));
    expect(lines(name, 'handler-unprotected')).toEqual([6]);
    expect(lines(name, 'proxy-pass-shadowed')).toEqual([]);
  });

  it('eyrie: the Reverse URL differs from the ProxyPass URL; /eyrie/api before /eyrie is not shadowed', () => {
    const name = 'gh-SMD-Bioinformatics-Lund-eyrie-apache-proxy.conf';
    expect(lines(name, 'proxy-pass-reverse-mismatch')).toEqual([12]);
    expect(lines(name, 'proxy-pass-shadowed')).toEqual([]);
  });

  it('repoprox: a balancer defined after its ProxyPass has members; its parameters are valid; no ProxyPassReverse', () => {
    const name = 'gh-Zergnomen-repoprox-proxy.conf';
    expect(lines(name, 'balancer-no-members')).toEqual([]);
    expect(lines(name, 'proxy-param-invalid')).toEqual([]);
    expect(lines(name, 'proxy-pass-reverse-missing')).toEqual([1]);
  });

  it('SocketApacheConfig: the ws:// RewriteRule works with mod_proxy_http loaded; no error', () => {
    const r = lintText(corpusFile('gh-12qusd-SocketApacheConfig-000-default.conf'), { modules: PROXY_MODULES });
    expect(r.errorCount).toBe(0);
    const bare = lintText(corpusFile('gh-12qusd-SocketApacheConfig-000-default.conf'), { modules: ['proxy', 'rewrite'] });
    expect(bare.diagnostics.filter((d) => d.code === 'proxy-handler-missing').map((d) => d.hint)).toEqual(['a2enmod proxy_http']);
  });
});
