/**
 * src/config against real httpd: the files apx reads for a tree must be the files `apache2 -t -D DUMP_INCLUDES`
 * lists, in the same order, and the module set must be what `apache2 -M` lists. Each row states the httpd
 * behaviour it pins down (server/config.c include globbing, core.c Define/IfDefine/IfModule/IfFile/IfDirective,
 * mod_version's IfVersion). Private ServerRoots come from test/support/apache.ts; the Debian tree of the corpus
 * is copied to a temporary directory with its links made real and read by apache2 with Debian's envvars.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { load, nodeFs, type LoadResult } from '../../src/config/index.js';
import { moduleByName } from '../../src/directives/index.js';
import { CORPUS, filesRead, materialiseCorpusTree } from '../config/helpers.js';
import {
  apacheAvailable,
  runApacheInDebianTree,
  apacheSkipReason,
  configTest,
  createServerRoot,
  disposeAllApache,
  dumpIncludes,
  dumpModules,
  dumpVhosts,
  parseDumpModules,
  type ServerRoot,
} from '../support/apache.js';

/** The paths of DUMP_INCLUDES output, in order (`(*) root`, then `(line) file` per file read). */
function includesOf(dump: string): string[] {
  return [...dump.matchAll(/^\s+\((?:\*|\d+)\) (.+)$/gm)].map((m) => m[1]!.trim());
}

/** apx's module set as the symbols `apache2 -M` prints. */
function symbols(r: LoadResult): string[] {
  return [...r.modules.names].map((n) => moduleByName(n)?.symbol ?? `${n}_module`).sort();
}

function loadRoot(root: ServerRoot, defines: readonly string[] = []): LoadResult {
  return load({ file: root.confFile }, { fs: nodeFs, defines });
}

describe.skipIf(!apacheAvailable())(`src/config vs apache2 -D DUMP_INCLUDES / -M ${apacheSkipReason()}`, () => {
  afterAll(disposeAllApache);

  it('globs, directories and dot-files: the same files in the same order', async () => {
    const root = await createServerRoot({
      // server/config.c: a directory is read whole (dot-files and subdirectories too, sorted by strcmp);
      // a wildcard skips dot-files (APR_FNM_PERIOD), matches directories in middle parts, sorts by full path.
      config: 'Include sub\nInclude g/*.conf\nIncludeOptional w/*/x.conf\nIncludeOptional nothing/*.conf\nInclude g/[!b]*.conf\n',
      files: {
        'sub/1.conf': '#\n',
        'sub/.dot.conf': '#\n',
        'sub/.hid/x.conf': '#\n',
        'sub/a/x.conf': '#\n',
        'sub/Z.conf': '#\n',
        'g/b.conf': '#\n',
        'g/a.conf': '#\n',
        'g/.x.conf': '#\n',
        'g/B.conf': '#\n',
        'w/b/x.conf': '#\n',
        'w/a/x.conf': '#\n',
        'w/c/y.conf': '#\n',
      },
    });
    const dump = includesOf(await dumpIncludes(root));
    const r = loadRoot(root);
    expect(filesRead(r)).toEqual(dump);
    expect(dump).toContain(root.path('sub/.hid/x.conf'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('conditions decide which Includes are read (IfDefine, -D, Define order, IfModule, IfVersion, IfFile, IfDirective, IfSection)', async () => {
    const files: Record<string, string> = {};
    const lines: string[] = [];
    const cond = (open: string, close: string, name: string): void => {
      files[`c/${name}.conf`] = '#\n';
      lines.push(`<${open}>`, `Include c/${name}.conf`, `</${close}>`);
    };
    cond('IfDefine FROM_CMDLINE', 'IfDefine', 'cmdline-yes');
    cond('IfDefine !FROM_CMDLINE', 'IfDefine', 'cmdline-no');
    cond('IfDefine LATER', 'IfDefine', 'before-define');
    lines.push('Include c/defines.conf');
    files['c/defines.conf'] = 'Define LATER\nDefine WHICH two\n';
    cond('IfDefine LATER', 'IfDefine', 'after-define');
    files['c/v-two.conf'] = '#\n';
    lines.push('Include c/v-${WHICH}.conf');
    cond('IfModule proxy_module', 'IfModule', 'proxy-symbol');
    cond('IfModule mod_proxy_http.c', 'IfModule', 'proxy-http-source');
    cond('IfModule ssl_module', 'IfModule', 'ssl-not-loaded');
    cond('IfModule !ssl_module', 'IfModule', 'not-ssl');
    cond('IfVersion >= 2.4', 'IfVersion', 'version-ge');
    cond('IfVersion < 2.4', 'IfVersion', 'version-lt');
    cond('IfVersion ~ ^2\\.4\\.', 'IfVersion', 'version-regex');
    cond('IfFile c/defines.conf', 'IfFile', 'file-there');
    cond('IfFile !c/none.conf', 'IfFile', 'file-absent');
    cond('IfDirective ProxyPass', 'IfDirective', 'directive-proxypass');
    cond('IfDirective SSLEngine', 'IfDirective', 'directive-ssl');
    cond('IfSection Proxy', 'IfSection', 'section-proxy');
    cond('IfDefine !FROM_CMDLINE', 'IfDefine', 'outer-false');
    // Nested in a false branch: never read, whatever it says.
    lines.splice(lines.length - 1, 0, '<IfModule proxy_module>', 'Include c/never.conf', '</IfModule>');
    files['c/never.conf'] = '#\n';
    const root = await createServerRoot({ modules: ['proxy_http'], config: `${lines.join('\n')}\n`, files });
    const dump = includesOf(await dumpIncludes(root, { defines: ['FROM_CMDLINE'] }));
    const r = loadRoot(root, ['FROM_CMDLINE']);
    expect(filesRead(r)).toEqual(dump);
    expect(dump.map((p) => relative(root.dir, p))).toEqual(
      expect.arrayContaining(['c/cmdline-yes.conf', 'c/after-define.conf', 'c/v-two.conf', 'c/proxy-symbol.conf', 'c/version-regex.conf', 'c/section-proxy.conf']),
    );
    expect(dump.map((p) => relative(root.dir, p))).not.toContain('c/before-define.conf');
  });

  it('Define, UnDefine, -D and ${VAR}: the defines apache2 -S reports at the end are apx\'s', async () => {
    const root = await createServerRoot({
      // core.c: Define is global and applies in reading order; a value Define'd from ${} is the expanded text;
      // UnDefine removes both the name and its value; `-D X=y` is the name "X=y".
      config: 'Define A 1\nDefine B "${A} two"\nDefine C\nDefine GONE x\nUnDefine GONE\nInclude d.conf\n',
      files: { 'd.conf': '<VirtualHost *:80>\nDefine IN_VHOST "${B}"\n</VirtualHost>\n' },
    });
    const out = await dumpVhosts(root, { defines: ['CMD', 'K=v'] });
    const real = new Map([...out.matchAll(/^Define: ([^=\n]+)(?:=(.*))?$/gm)].map((m) => [m[1]!, m[2] ?? null]));
    const r = loadRoot(root, ['CMD', 'K=v']);
    for (const name of ['A', 'B', 'C', 'IN_VHOST', 'CMD']) expect([name, r.defines.get(name)]).toEqual([name, real.get(name)]);
    expect(real.get('B')).toBe('1 two');
    expect(real.has('GONE')).toBe(false);
    expect(r.defines.has('GONE')).toBe(false);
    expect(r.defines.has('K=v')).toBe(true);
  });

  it('a value with a space substituted unquoted becomes two arguments: httpd refuses `Define X ${B}`, apx too', async () => {
    // util.c: ap_resolve_env runs on the whole line before ap_getword_conf splits it.
    const root = await createServerRoot({ config: 'Define B "1 two"\nDefine X ${B}\n' });
    const t = await configTest(root);
    expect(t.ok).toBe(false);
    expect(t.output).toMatch(/Define takes 1-2 arguments/);
    const d = loadRoot(root).diagnostics.filter((x) => x.severity === 'error');
    expect(d.map((x) => [x.code, x.span.line])).toEqual([['config/define-args', readFileSync(root.confFile, 'utf8').split('\n').indexOf('Define X ${B}') + 1]]);
  });

  it('<IfModule mod_proxy> — httpd skips it although proxy is loaded; apx reads it and warns', async () => {
    const root = await createServerRoot({ modules: ['proxy'], config: '<IfModule mod_proxy>\nInclude m.conf\n</IfModule>\n', files: { 'm.conf': '#\n' } });
    const dump = includesOf(await dumpIncludes(root));
    expect(dump).not.toContain(root.path('m.conf'));
    const r = loadRoot(root);
    expect(filesRead(r)).toContain(root.path('m.conf'));
    expect(r.diagnostics.map((d) => d.code)).toContain('config/ifmodule-form');
  });

  it.each<{ name: string; config: string; files: Record<string, string>; apache: RegExp }>([
    { name: 'a missing file', config: 'Include missing.conf\n', files: {}, apache: /Could not open configuration file/ },
    { name: 'a wildcard matching nothing', config: 'Include d/*.conf\n', files: { 'd/x.txt': '#\n' }, apache: /No matches for the wildcard/ },
    { name: 'a matched directory without the file', config: 'Include */x.conf\n', files: { 'a/x.conf': '#\n', 'b/y.conf': '#\n' }, apache: /Could not open configuration file/ },
  ])('Include of $name stops httpd; apx reports config/include-not-found', async ({ config, files, apache }) => {
    const root = await createServerRoot({ config, files });
    const t = await configTest(root);
    expect(t.ok).toBe(false);
    expect(t.output).toMatch(apache);
    expect(loadRoot(root).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['config/include-not-found']);
  });

  it('IncludeOptional of the same is silent in both', async () => {
    const root = await createServerRoot({ config: 'IncludeOptional missing.conf\nIncludeOptional d/*.conf\nIncludeOptional */x.conf\n', files: { 'a/x.conf': '#\n', 'b/y.conf': '#\n' } });
    expect((await configTest(root)).ok).toBe(true);
    const r = loadRoot(root);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(filesRead(r)).toEqual(includesOf(await dumpIncludes(root)));
  });

  it.each([[['proxy_http', 'proxy_balancer', 'lbmethod_byrequests']], [['ssl', 'rewrite', 'headers']], ['all' as const]])('modules %j: apx\'s set is apache2 -M', async (modules) => {
    const root = await createServerRoot({ modules });
    const real = parseDumpModules(await dumpModules(root)).map((m) => m.name).sort();
    expect(symbols(loadRoot(root))).toEqual(real);
  });

  describe('what a condition or a variable changes in what the reader accepts (apache2 -t ⇔ apx errors)', () => {
    // server/config.c: a TRUE conditional is read by ap_build_cont_config, which ends the block only at a line
    // that is exactly </IfModule> (before substitution) and returns quietly at the end of the file; a FALSE one
    // is skipped by ap_soak_end_container, which looks only at each line's first word, as written (no ${VAR});
    // the normal reader (ap_build_config_sub) substitutes ${VAR} before it recognises an opener or a closer.
    // proxy is loaded, so <IfModule mod_proxy.c> is true and <IfModule !mod_proxy.c> false.
    const INPUT = 'input.conf';
    let root: ServerRoot | undefined;
    afterAll(async () => {
      await root?.dispose();
    });

    const rows: readonly { name: string; text: string; httpd: 'accepts' | 'refuses' }[] = [
      { name: 'unclosed true <IfModule>', text: '<IfModule mod_proxy.c>\nServerAdmin a@b.example\n', httpd: 'accepts' },
      { name: 'unclosed true <IfDefine !X>', text: '<IfDefine !NEVER_DEFINED>\nServerAdmin a@b.example\n', httpd: 'accepts' },
      { name: 'unclosed true <IfVersion>', text: '<IfVersion >= 2.4>\nServerAdmin a@b.example\n', httpd: 'accepts' },
      { name: 'a section left open inside an unclosed true <IfModule>', text: '<IfModule mod_proxy.c>\n<Location /a>\nRequire all granted\n', httpd: 'accepts' },
      { name: 'a section left open inside a closed true <IfModule>', text: '<IfModule mod_proxy.c>\n<Location /a>\n</IfModule>\n', httpd: 'refuses' },
      { name: 'unclosed true <IfModule> inside an unclosed <Location>', text: '<Location /a>\n<IfModule mod_proxy.c>\n', httpd: 'refuses' },
      { name: 'unclosed false <IfModule>', text: '<IfModule !mod_proxy.c>\nServerAdmin a@b.example\n', httpd: 'refuses' },
      { name: 'unclosed false <IfDefine> inside an unclosed true <IfModule>', text: '<IfModule mod_proxy.c>\n<IfDefine NEVER_DEFINED>\n', httpd: 'refuses' },
      { name: '</IfModule> extra closing a true <IfModule>', text: '<IfModule mod_proxy.c>\n</IfModule> extra\n', httpd: 'refuses' },
      { name: '</IfModule> # comment closing a true <IfModule>', text: '<IfModule mod_proxy.c>\n</IfModule> # mod_proxy\n', httpd: 'refuses' },
      { name: '"</IfModule>" closing a true <IfModule>', text: '<IfModule mod_proxy.c>\n"</IfModule>"\n', httpd: 'refuses' },
      { name: '</IfModule> extra closing a false <IfModule>', text: '<IfModule !mod_proxy.c>\n</IfModule> extra\n', httpd: 'accepts' },
      { name: '"</IfModule>" closing a false <IfModule>', text: '<IfModule !mod_proxy.c>\n"</IfModule>"\n', httpd: 'accepts' },
      { name: '</ifmodule>, blanks and a continuation closing a true <IfModule>', text: '<IfModule mod_proxy.c>\n  </if\\\nmodule>  \n', httpd: 'accepts' },
      { name: 'an opener without > inside a false <IfModule>', text: '<IfModule !mod_proxy.c>\n<Location /a\n</Location>\n</IfModule>\n', httpd: 'accepts' },
      { name: 'an opener without > inside a true <IfModule>', text: '<IfModule mod_proxy.c>\n<Location /a\n</Location>\n</IfModule>\n', httpd: 'refuses' },
      { name: 'a U+FEFF before a directive inside a false <IfModule>', text: '<IfModule !mod_proxy.c>\n\uFEFFServerAdmin a@b.example\n</IfModule>\n', httpd: 'accepts' },
      { name: '${VAR} supplies the opener\'s >', text: 'Define GT >\n<Location /a${GT}\n</Location>\n', httpd: 'accepts' },
      { name: 'an undefined ${VAR} where the opener\'s > should be', text: '<Location /a${NOPE_GT}\n</Location>\n', httpd: 'refuses' },
      { name: '${VAR} is a closer', text: 'Define CLOSE </Location>\n<Location /a>\n${CLOSE}\n', httpd: 'accepts' },
      { name: '${VAR} closer, then more lines', text: 'Define CLOSE </Location>\n<Location /a>\n${CLOSE}\nServerAdmin a@b.example\n', httpd: 'accepts' },
      { name: '${VAR} closer, then the enclosing section\'s closer', text: 'Define CLOSE </Location>\n<VirtualHost *:80>\n<Location /a>\n${CLOSE}\nServerAlias b.example\n</VirtualHost>\n', httpd: 'accepts' },
      { name: '${VAR} closer, then closers two levels up', text: 'Define CLOSE </Location>\n<IfDefine !NEVER_DEFINED>\n<VirtualHost *:80>\n<Location /a>\n${CLOSE}\n</VirtualHost>\nServerAdmin a@b.example\n</IfDefine>\nServerAdmin c@d.example\n', httpd: 'accepts' },
      { name: 'two ${VAR} closers, then a closer three sections out', text: 'Define C1 </Location>\nDefine C2 </VirtualHost>\n<IfDefine !NEVER_DEFINED>\n<VirtualHost *:80>\n<Location /a>\n${C1}\n${C2}\n</IfDefine>\nServerAdmin a@b.example\n', httpd: 'accepts' },
      { name: '${VAR} closer, then the section\'s own closer', text: 'Define CLOSE </Location>\n<VirtualHost *:80>\n<Location /a>\n${CLOSE}\n</Location>\n</VirtualHost>\n', httpd: 'refuses' },
      { name: '${VAR} closer, then an exact </IfModule> ends the true <IfModule>', text: 'Define CLOSE </Location>\n<IfModule mod_proxy.c>\n<Location /a>\n${CLOSE}\n</IfModule>\nServerAdmin a@b.example\n', httpd: 'accepts' },
      { name: '${VAR} closer, then </IfModule> x does not', text: 'Define CLOSE </Location>\n<IfModule mod_proxy.c>\n<Location /a>\n${CLOSE}\n</IfModule> x\n', httpd: 'refuses' },
      { name: '${VAR} closer of the wrong section', text: 'Define CLOSE </Location>\n<Directory /a>\n${CLOSE}\n', httpd: 'refuses' },
      { name: '${VAR} closer with nothing open', text: 'Define CLOSE </Location>\n${CLOSE}\n', httpd: 'refuses' },
      { name: '${VAR} cannot close a true <IfModule>', text: 'Define CLOSE </IfModule>\n<IfModule mod_proxy.c>\n${CLOSE}\n', httpd: 'refuses' },
      { name: '${VAR} does not close a false <IfModule>', text: 'Define CLOSE </IfModule>\n<IfModule !mod_proxy.c>\n${CLOSE}\n', httpd: 'refuses' },
      { name: '${VAR} closer inside a false <IfModule> is skipped', text: 'Define CLOSE </Location>\n<IfModule !mod_proxy.c>\n<Location /a>\n${CLOSE}\n</Location>\n</IfModule>\n', httpd: 'accepts' },
    ];

    it('150 seeded random nestings of conditionals, sections and ${VAR} closers: the same verdict', async () => {
      // Well-nested trees, then perturbed the ways the rows above are: a closer through a variable, text or a
      // comment after it, quoted, an opener's `>` from a variable, the last lines cut off.
      root ??= await createServerRoot({ modules: ['proxy'], include: INPUT, files: { [INPUT]: '' } });
      let seed = 5;
      const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
      const conds = ['IfModule mod_proxy.c', 'IfModule !mod_proxy.c', 'IfDefine !NEVER_DEFINED', 'IfDefine NEVER_DEFINED'];
      const block = (level: 'top' | 'vhost' | 'location', depth: number): string[] => {
        const out: string[] = [];
        for (let n = rnd(3); n >= 0; n--) {
          const r = rnd(10);
          let open: string;
          let inner = level;
          if (r < 3 || depth > 3) open = '';
          else if (r < 6) open = conds[rnd(conds.length)]!;
          else if (level === 'top' && r < 8) [open, inner] = ['VirtualHost *:80', 'vhost'];
          else if (level !== 'location') [open, inner] = [`Location /p${rnd(9)}`, 'location'];
          else open = '';
          if (open === '') {
            out.push('ErrorDocument 404 /x');
            continue;
          }
          const name = open.split(' ')[0]!;
          out.push(`<${open}${rnd(8) === 0 ? '${GT}' : '>'}`, ...block(inner, depth + 1));
          const c = rnd(12);
          out.push(c === 0 ? `\${CLOSE_${name}}` : c === 1 ? `</${name}> # note` : c === 2 ? `"</${name}>"` : c === 3 ? `</${name}> x` : `</${name}>`);
        }
        return out;
      };
      const defines = ['Define GT >', ...['Location', 'VirtualHost', 'IfModule', 'IfDefine'].map((n) => `Define CLOSE_${n} </${n}>`)];
      const disagree: string[] = [];
      let accepted = 0;
      for (let n = 0; n < 150; n++) {
        const body = block('top', 0);
        const text = `${[...defines, ...body.slice(0, rnd(3) === 0 ? body.length - rnd(Math.min(3, body.length)) : body.length)].join('\n')}\n`;
        writeFileSync(root.path(INPUT), text);
        const t = await configTest(root);
        // Only the reader's verdict is compared; the generator writes nothing else httpd refuses.
        expect(t.ok || /was not closed|without matching|Expected <\/|missing closing/.test(t.output), t.output).toBe(true);
        if (t.ok) accepted++;
        const errors = load({ file: root.path(INPUT) }, { fs: nodeFs }).diagnostics.filter((d) => d.severity === 'error');
        if (t.ok !== (errors.length === 0)) disagree.push(`${JSON.stringify(text)}\n  httpd: ${t.ok ? 'Syntax OK' : t.output.trim()}\n  apx: ${errors.map((d) => `${d.span.line}:${d.span.column} ${d.code}`).join(', ')}`);
      }
      expect(disagree.join('\n')).toBe('');
      // Both verdicts are well represented, so the comparison means something.
      expect(accepted).toBeGreaterThan(40);
      expect(accepted).toBeLessThan(110);
    });

    it.each(rows)('$name: httpd $httpd', async ({ text, httpd }) => {
      root ??= await createServerRoot({ modules: ['proxy'], include: INPUT, files: { [INPUT]: '' } });
      writeFileSync(root.path(INPUT), text);
      const t = await configTest(root);
      expect(t.ok ? 'accepts' : 'refuses', t.output).toBe(httpd);
      const r = load({ file: root.path(INPUT) }, { fs: nodeFs });
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.length > 0 ? 'refuses' : 'accepts', `apx: ${JSON.stringify(errors.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`))}\nhttpd: ${t.output}`).toBe(httpd);
    });
  });

  describe('the corpus Debian tree (links made real, Debian envvars exported)', () => {
    let dir = '';
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const apache2 = (args: string[]): ReturnType<typeof runApacheInDebianTree> => runApacheInDebianTree(dir, args);

    it('reads every enabled module, conf and site, in order, and loads the same modules', () => {
      dir = materialiseCorpusTree(join(CORPUS, 'debian-apache2'), 'apx-config-tree-');
      const inc = apache2(['-t', '-D', 'DUMP_INCLUDES']);
      expect(inc.status, inc.stderr).toBe(0);
      const r = load({ file: join(dir, 'sites-available', '000-default.conf') }, { fs: nodeFs });
      expect(r.mode).toBe('tree');
      expect(r.entryFile?.path).toBe(join(dir, 'sites-enabled', '000-default.conf'));
      expect(filesRead(r)).toEqual(includesOf(inc.stdout));
      const mods = apache2(['-M']);
      expect(symbols(r)).toEqual(parseDumpModules(mods.stdout).map((m) => m.name).sort());
      expect(r.diagnostics).toEqual([]);
      expect(dirname(r.root.path)).toBe(dir);
    });
  });
});
