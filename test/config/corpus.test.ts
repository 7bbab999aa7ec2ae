/**
 * Every server tree of the corpus, read as httpd would (links stored as stubs are real symlinks here, see
 * helpers.ts): no include errors, every enabled site reached through its Include, every available site readable
 * as the entry. The corpus may grow: trees are found, not listed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load, nodeFs } from '../../src/config/index.js';
import { CORPUS, corpusFs, filesRead } from './helpers.js';

function trees(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const d = join(dir, e.name);
    if (existsSync(join(d, 'apache2.conf')) || existsSync(join(d, 'httpd.conf')) || existsSync(join(d, 'conf', 'httpd.conf'))) out.push(d);
    else trees(d, out);
  }
  return out;
}

const ALL = trees(CORPUS);
const resolutionErrors = (r: ReturnType<typeof load>): string[] =>
  r.diagnostics.filter((d) => d.severity === 'error' && !d.code.startsWith('syntax/')).map((d) => `${d.code} ${relative(CORPUS, d.span.file)}:${d.span.line} ${d.message}`);

describe('corpus trees', () => {
  it('finds the trees', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(ALL.map((d) => [relative(CORPUS, d), d]))('%s', (_name, dir) => {
    const fs = corpusFs(dir);
    const sites = (sub: string): string[] => (existsSync(join(dir, sub)) ? readdirSync(join(dir, sub)).filter((f) => f.endsWith('.conf')).sort() : []);

    it('resolves without include errors', () => {
      const root = ['apache2.conf', 'httpd.conf', 'conf/httpd.conf'].map((f) => join(dir, f)).find((f) => existsSync(f))!;
      const r = load({ file: root }, { fs });
      expect(r.mode).toBe('tree');
      expect(resolutionErrors(r)).toEqual([]);
      const read = filesRead(r);
      for (const s of sites('sites-enabled')) expect(read).toContain(join(dir, 'sites-enabled', s));
    });

    it.each(sites('sites-available'))('sites-available/%s is the entry, spliced exactly when not enabled', (site) => {
      const r = load({ file: join(dir, 'sites-available', site) }, { fs });
      expect(r.entryFile).not.toBeNull();
      const enabled = sites('sites-enabled').some((e) => fs.realpath(join(dir, 'sites-enabled', e)) === join(dir, 'sites-available', site));
      expect(r.entryFile!.spliced).toBe(!enabled);
      if (!enabled) expect(r.assumptions.join('\n')).toContain(`a2ensite ${basename(site, '.conf')}`);
    });
  });

  it('the Debian tree loads exactly its mods-enabled/*.load modules (plus the compiled-in ones)', () => {
    const dir = join(CORPUS, 'debian-apache2');
    const r = load({ file: join(dir, 'apache2.conf') }, { fs: corpusFs(dir) });
    const enabled = readdirSync(join(dir, 'mods-enabled')).filter((f) => f.endsWith('.load')).map((f) => basename(f, '.load'));
    expect([...r.modules.loadedAt.keys()].sort()).toEqual(enabled.sort());
    expect(r.defines.get('APACHE_LOG_DIR')).toBe('/var/log/apache2');
    expect(r.assumptions).toEqual([]);
  });

  it('every single file of the corpus loads alone without an internal error', () => {
    const files = readdirSync(join(CORPUS, 'files')).map((f) => join(CORPUS, 'files', f)).filter((f) => statSync(f).isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const r = load({ file: f }, { fs: nodeFs, noTreeDetection: true });
      expect(r.mode).toBe('lone-file');
      expect(r.diagnostics.filter((d) => d.code === 'config/internal')).toEqual([]);
    }
  });
});
