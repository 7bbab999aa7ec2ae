/**
 * The model of each corpus server tree against real Apache reading the same files: the tree is copied with its
 * link stubs made real symlinks, and `apache2 -S` (DUMP_VHOSTS: server/vhost.c) is run on it with the tree's own
 * envvars sourced, as apache2ctl does. For every address, the vhosts httpd tries — in its order, with the name each
 * answers to and the file:line it is written at — must be the model's. apx reads the corpus in place (links
 * resolved in memory), so the two also check each other's link handling.
 *
 * certbot's minimal test trees leave out modules their files need (no MPM, no authz_core for `Require`, no
 * mod_rewrite for the `RewriteRule`s certbot writes): Apache is given those with `-C LoadModule …` (read before the
 * config, so `<IfModule>` sees them) and apx the same module set, one at a time as Apache names the directive it
 * lacks. A tree that needs a module not installed here (mod_dav_svn) is skipped with the reason; any other refusal
 * fails.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookupDirective, moduleByName, type ModuleInfo } from '../../src/directives/index.js';
import { compile } from '../../src/model/index.js';
import { CORPUS, materialiseCorpusTree } from '../config/helpers.js';
import { apacheAvailable, apacheSkipReason, runApacheInDebianTree } from '../support/apache.js';
import { corpusTrees, loadTree, modelVhosts, parseDumpVhosts, sortedEntriesOf } from './corpus-trees.js';

/** httpd's compiled-in DocumentRoot on Debian (DOCUMENT_LOCATION), which `-S` shows when apache2.conf sets none. */
const DEBIAN_DOCUMENT_LOCATION = '/var/www/html';

const copies: string[] = [];

/** `apache2 -S` on a Debian-layout copy, with `extra` modules loaded ahead of the tree's own. */
function dumpVhosts(dir: string, extra: readonly ModuleInfo[]): ReturnType<typeof runApacheInDebianTree> {
  return runApacheInDebianTree(dir, [...extra.flatMap((m) => ['-C', `LoadModule ${m.symbol} ${m.file}`]), '-S']);
}

/** The module Apache says the tree lacks: no MPM at all, or the one defining a directive it calls invalid. */
function missingModule(stderr: string): ModuleInfo | undefined {
  if (/No MPM loaded/.test(stderr)) return moduleByName('mpm_event');
  const invalid = /Invalid command '([^']+)', perhaps misspelled or defined by a module not included/.exec(stderr);
  const info = invalid ? lookupDirective(invalid[1]!) : undefined;
  return info ? moduleByName(info.module) : undefined;
}

// Debian-layout trees: apache2.conf with Debian's envvars beside it.
const trees = existsSync(CORPUS) ? corpusTrees(CORPUS).filter((t) => t.rel.endsWith('apache2.conf') && existsSync(join(t.serverRoot, 'envvars'))) : [];

describe.skipIf(!apacheAvailable() || trees.length === 0)(`corpus trees: the model's virtual hosts are apache2 -S's ${apacheSkipReason()}`, () => {
  afterAll(() => {
    for (const d of copies) rmSync(d, { recursive: true, force: true });
  });

  it('the Debian tree is among the trees Apache reads', () => {
    expect(trees.map((t) => t.rel)).toContain('debian-apache2/apache2.conf');
  });

  it.for(trees)('$rel', (t, { skip }) => {
    const dir = materialiseCorpusTree(t.serverRoot, 'apx-model-tree-');
    copies.push(dir);
    const extra: ModuleInfo[] = [];
    let real = dumpVhosts(dir, extra);
    for (let m = missingModule(real.stderr); real.status !== 0 && m && m.file && extra.length < 5; m = missingModule(real.stderr)) {
      extra.push(m);
      real = dumpVhosts(dir, extra);
    }
    if (real.status !== 0) {
      expect(real.stderr, 'apache2 -S refused the tree').toMatch(/Cannot load \S+\.so into server: .*No such file/);
      skip(`a module this machine does not have: ${real.stderr.trim().split('\n').pop()}`);
    }
    const loaded = loadTree(t);
    const model = compile(extra.length === 0 ? loaded : loadTree(t, [...loaded.modules.names, ...extra.map((m) => m.name)])).model!;
    // With no ServerName anywhere, httpd names the main server after the machine (AH00558 says which name).
    const hostname = /using (\S+)\. Set the 'ServerName'/.exec(real.stderr)?.[1] ?? '';
    const dumped = parseDumpVhosts(real.stdout, dir);
    expect(dumped.size).toBeGreaterThan(0);
    expect(sortedEntriesOf(modelVhosts(model, t.serverRoot, hostname))).toEqual(sortedEntriesOf(dumped));
    // The model leaves documentRoot null when no DocumentRoot is written (docs/model.md); httpd shows its default.
    expect(model.mainServer.documentRoot ?? DEBIAN_DOCUMENT_LOCATION).toBe(/^Main DocumentRoot: "(.*)"$/m.exec(real.stdout)?.[1]);
  });
});
