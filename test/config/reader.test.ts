/**
 * What evaluating conditions and variables changes in what httpd's reader accepts (server/config.c):
 * ap_build_cont_config reads a true conditional (ends only at a line that is exactly `</IfModule>`, returns
 * quietly at the end of the file), ap_soak_end_container skips a false one (first word only, as written), and
 * ap_build_config_sub substitutes `${VAR}` before it recognises an opener's `>` or a closer. The same rows run
 * against real apache2 in test/differential/config.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { load, memoryFs, type LoadOptions, type LoadResult, type ResolvedNode, type ResolvedSection } from '../../src/config/index.js';
import { applied } from './helpers.js';

/** proxy loaded: `<IfModule mod_proxy.c>` is true, `<IfModule !mod_proxy.c>` false. */
function lone(text: string, options: LoadOptions = {}): LoadResult {
  return load({ file: '/t/x.conf', text }, { fs: memoryFs({}), noTreeDetection: true, modules: ['proxy'], ...options });
}

/** Error codes with their line, in report order. */
function errors(r: LoadResult): string[] {
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.span.line}`);
}

function warnings(r: LoadResult): string[] {
  return r.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.code}:${d.span.line}`);
}

/** The tree as `Name(children)` text, inactive nodes marked with `-`. */
function shape(nodes: readonly ResolvedNode[]): string {
  return nodes
    .map((n) => {
      const mark = n.active ? '' : '-';
      if (n.kind === 'section') return `${mark}${n.name}(${shape(n.children)})`;
      return `${mark}${n.name}`;
    })
    .join(' ');
}

describe('a true conditional may run to the end of its file (ap_build_cont_config returns at EOF)', () => {
  it.each([
    { name: 'unclosed true <IfModule>', text: '<IfModule mod_proxy.c>\nX\n', errors: [] },
    { name: 'unclosed true <IfDefine !X>', text: '<IfDefine !X>\nX\n', errors: [] },
    { name: 'unclosed true <IfVersion>', text: '<IfVersion >= 2.4>\nX\n', errors: [] },
    { name: 'sections left open inside it', text: '<IfModule mod_proxy.c>\n<VirtualHost *:80>\n<Location /a>\nX\n', errors: [] },
    { name: 'nested unclosed true conditionals', text: '<IfModule mod_proxy.c>\n<IfDefine !X>\n<Location /a>\n', errors: [] },
    { name: 'a section left open inside a closed one', text: '<IfModule mod_proxy.c>\n<Location /a>\n</IfModule>\n', errors: ['syntax/mismatched-close:3'] },
    { name: 'the top-level reader still refuses an enclosing section', text: '<Location /a>\n<IfModule mod_proxy.c>\n', errors: ['syntax/unclosed-section:1'] },
    { name: 'unclosed false <IfModule>', text: '<IfModule !mod_proxy.c>\nX\n', errors: ['syntax/unclosed-section:1'] },
    { name: 'unclosed false <IfDefine> inside an unclosed true <IfModule>', text: '<IfModule mod_proxy.c>\n<IfDefine X>\n', errors: ['syntax/unclosed-section:2'] },
    { name: 'a true conditional inside a false one is never read', text: '<IfModule !mod_proxy.c>\n<IfDefine !X>\n', errors: ['syntax/unclosed-section:2', 'syntax/unclosed-section:1'] },
    { name: 'a bad condition is still an error', text: '<IfVersion >> 2>\nX\n', errors: ['syntax/unclosed-section:1', 'config/condition-args:1'] },
  ])('$name', ({ text, errors: want }) => {
    expect(errors(lone(text))).toEqual(want);
  });

  it('an Include\'d file starts with the top-level reader, whatever its Include sits in', () => {
    const fs = memoryFs({ '/t/inc.conf': '<Location /a>\n' });
    const r = load({ file: '/t/x.conf', text: '<IfModule mod_proxy.c>\nInclude /t/inc.conf\n' }, { fs, noTreeDetection: true, modules: ['proxy'] });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.span.file}`)).toEqual(['syntax/unclosed-section /t/inc.conf']);
  });

  it('a file read twice keeps the error when one reading refuses it', () => {
    const fs = memoryFs({ '/t/inc.conf': '<IfDefine A>\nX\n' });
    const twice = 'Include /t/inc.conf\nDefine A\nInclude /t/inc.conf\n';
    const r = load({ file: '/t/x.conf', text: twice }, { fs, noTreeDetection: true, modules: [] });
    expect(errors(r)).toEqual(['syntax/unclosed-section:1']);
    const both = load({ file: '/t/x.conf', text: 'Define A\nInclude /t/inc.conf\nInclude /t/inc.conf\n' }, { fs, noTreeDetection: true, modules: [] });
    expect(errors(both)).toEqual([]);
  });

  it('a ${VAR} closer counts per reading of a file', () => {
    const fs = memoryFs({ '/t/inc.conf': '<Location /a>\n${C}\n' });
    const once = load({ file: '/t/x.conf', text: 'Define C </Location>\nInclude /t/inc.conf\n' }, { fs, noTreeDetection: true, modules: [] });
    expect(errors(once)).toEqual([]);
    const twice = load({ file: '/t/x.conf', text: 'Define C </Location>\nInclude /t/inc.conf\nUnDefine C\nInclude /t/inc.conf\n' }, { fs, noTreeDetection: true, modules: [] });
    expect(errors(twice)).toEqual(['syntax/unclosed-section:1']);
  });

  it('inside a <Macro> body nothing is revised (mod_macro reads it)', () => {
    const r = lone('<Macro M>\n<IfModule mod_proxy.c>\n</IfModule> extra\n</Macro>\n');
    expect(errors(r)).toEqual([]);
    expect(warnings(r)).toEqual(['syntax/text-after-close:3']);
  });
});

describe('the closer of a true conditional must be exactly </Name>', () => {
  it.each([
    { name: 'text after it', text: '<IfModule mod_proxy.c>\n</IfModule> extra\n', errors: ['config/conditional-close:2'], warnings: [] },
    { name: 'a comment after it', text: '<IfModule mod_proxy.c>\n</IfModule> # proxy\n', errors: ['config/conditional-close:2'], warnings: [] },
    { name: 'quoted', text: '<IfModule mod_proxy.c>\n"</IfModule>"\n', errors: ['config/conditional-close:2'], warnings: [] },
    { name: 'a blank before > (the syntax stage already refuses it)', text: '<IfModule mod_proxy.c>\n</IfModule >\n', errors: ['syntax/close-missing-gt:2'], warnings: [] },
    { name: 'the wrong name (the syntax stage already refuses it)', text: '<IfModule mod_proxy.c>\n</IfDefine> x\n', errors: ['syntax/mismatched-close:2'], warnings: ['syntax/text-after-close:2'] },
    { name: 'other case, blanks around, split by a continuation', text: '<IfModule mod_proxy.c>\n \t</if\\\nmodule>  \n', errors: [], warnings: [] },
    { name: 'text after the closer of a false conditional is ignored', text: '<IfModule !mod_proxy.c>\n</IfModule> extra\n', errors: [], warnings: ['syntax/text-after-close:2'] },
    { name: 'quoted closer of a false conditional', text: '<IfModule !mod_proxy.c>\n"</IfModule>"\n', errors: [], warnings: [] },
    { name: 'text after a <Location> closer is ignored', text: '<Location /a>\n</Location> extra\n', errors: [], warnings: ['syntax/text-after-close:2'] },
    { name: 'text after a continuation', text: '<IfDefine !X>\n</IfDefine> \\\n extra\n', errors: ['config/conditional-close:2'], warnings: [] },
  ])('$name', ({ text, errors: wantErrors, warnings: wantWarnings }) => {
    const r = lone(text);
    expect(errors(r)).toEqual(wantErrors);
    expect(warnings(r)).toEqual(wantWarnings);
  });

  it('says what httpd does and how to fix it', () => {
    const d = lone('<IfModule mod_proxy.c>\n</IfModule> # proxy\n').diagnostics.find((x) => x.code === 'config/conditional-close')!;
    expect(d.message).toContain('"</IfModule> without matching <IfModule> section"');
    expect(d.hint).toBe('write </IfModule> alone on its line (move what follows it to a line of its own)');
    expect([d.span.line, d.span.column, d.span.endColumn]).toEqual([2, 1, 12]);
    const q = lone('<IfModule mod_proxy.c>\n"</IfModule>"\n').diagnostics.find((x) => x.code === 'config/conditional-close')!;
    expect(q.hint).toBe('write </IfModule> alone on its line, without quotes');
  });
});

describe('a false conditional is skipped without checking > or BOMs (ap_soak_end_container)', () => {
  it.each([
    { name: 'an opener without >', text: '<IfModule !mod_proxy.c>\n<Location /a\n</Location>\n</IfModule>\n', errors: [] },
    { name: 'a U+FEFF before a word', text: '<IfModule !mod_proxy.c>\n\uFEFFServerAdmin a@b\n</IfModule>\n', errors: [] },
    { name: 'deeper inside', text: '<IfDefine X>\n<VirtualHost *:80>\n<Location /a\n</Location>\n</VirtualHost>\n</IfDefine>\n', errors: [] },
    { name: 'the false conditional\'s own opener is still checked', text: '<IfModule !mod_proxy.c\n</IfModule>\n', errors: ['syntax/open-missing-gt:1'] },
    { name: 'inside a true conditional both are refused', text: '<IfModule mod_proxy.c>\n<Location /a\n</Location>\n\uFEFFX\n</IfModule>\n', errors: ['syntax/open-missing-gt:2', 'syntax/bom:4'] },
    { name: 'a BOM at the start of the file is outside any section', text: '\uFEFF<IfModule !mod_proxy.c>\n</IfModule>\n', errors: ['syntax/bom:1'] },
  ])('$name', ({ text, errors: want }) => {
    expect(errors(lone(text))).toEqual(want);
  });
});

describe('${VAR} on opener and closer lines (substituted before the line is recognised)', () => {
  it('a variable supplies the opener\'s >', () => {
    const r = lone('Define GT >\n<Location /a${GT}\nX\n</Location>\n');
    expect(errors(r)).toEqual([]);
    const loc = r.root.children[1] as ResolvedSection;
    expect([loc.name, loc.args]).toEqual(['Location', ['/a']]);
  });

  it('the words after the supplied > are ignored, as after a written one', () => {
    const r = lone('Define GT "> x"\n<Location /a${GT}\n</Location>\n');
    expect(errors(r)).toEqual([]);
    expect((r.root.children[1] as ResolvedSection).args).toEqual(['/a']);
  });

  it('an undefined variable supplies nothing', () => {
    expect(errors(lone('<Location /a${NOPE}\n</Location>\n'))).toEqual(['syntax/open-missing-gt:1']);
  });

  it.each([
    { name: 'a variable closes the section', text: 'Define C </Location>\n<Location /a>\n${C}\n', shape: 'Define Location()', errors: [] },
    { name: 'the lines after it belong to the enclosing section', text: 'Define C </Location>\n<VirtualHost *:80>\n<Location /a>\nA\n${C}\nB\n</VirtualHost>\n', shape: 'Define VirtualHost(Location(A) B)', errors: [] },
    { name: 'and at the top of the file', text: 'Define C </Location>\n<Location /a>\nA\n${C}\nB\n<Location /b>\nD\n</Location>\n', shape: 'Define Location(A) B Location(D)', errors: [] },
    { name: 'two sections closed by variables', text: 'Define C </Location>\nDefine V </VirtualHost>\n<VirtualHost *:80>\n<Location /a>\n${C}\nB\n${V}\nE\n', shape: 'Define Define VirtualHost(Location() B) E', errors: [] },
    { name: 'the wrong section', text: 'Define C </Location>\n<Directory /a>\n${C}\n', shape: 'Define Directory()', errors: ['syntax/unclosed-section:2', 'config/variable-section:3'] },
    { name: 'nothing open', text: 'Define C </Location>\n${C}\n', shape: 'Define', errors: ['config/variable-section:2'] },
    { name: 'a true conditional (ap_build_cont_config compares the line as written)', text: 'Define C </IfModule>\n<IfModule mod_proxy.c>\n${C}\n', shape: 'Define IfModule()', errors: ['config/variable-section:3'] },
    { name: 'then its written closer has nothing to close', text: 'Define C </Location>\n<Location /a>\n${C}\n</Location>\n', shape: 'Define Location()', errors: ['config/variable-section:4'] },
    { name: 'then its written closer meets the wrong section', text: 'Define C </Location>\n<VirtualHost *:80>\n<Location /a>\n${C}\n</Location>\n</VirtualHost>\n', shape: 'Define VirtualHost(Location())', errors: ['config/variable-section:5'] },
    { name: 'closers shift through two levels', text: 'Define C </Location>\n<IfDefine !X>\n<VirtualHost *:80>\n<Location /a>\nA\n${C}\nB\n</VirtualHost>\nC\n</IfDefine>\nD\n', shape: 'Define IfDefine(VirtualHost(Location(A) B) C) D', errors: [] },
    { name: 'two variable closers, then a written closer three sections out', text: 'Define C </Location>\nDefine V </VirtualHost>\n<IfDefine !X>\n<VirtualHost *:80>\n<Location /a>\n${C}\n${V}\n</IfDefine>\nZ\n', shape: 'Define Define IfDefine(VirtualHost(Location())) Z', errors: [] },
    { name: 'the written closer then ends a true conditional only when it is exact', text: 'Define C </Location>\n<IfModule mod_proxy.c>\n<Location /a>\n${C}\n</IfModule> x\n', shape: 'Define IfModule(Location())', errors: ['config/conditional-close:5'] },
    { name: 'an exact one does', text: 'Define C </Location>\n<IfModule mod_proxy.c>\n<Location /a>\n${C}\n</IfModule>\nX\n', shape: 'Define IfModule(Location()) X', errors: [] },
    { name: 'a false conditional is not closed (skipped lines are not substituted)', text: 'Define C </IfModule>\n<IfModule !mod_proxy.c>\n${C}\n', shape: 'Define IfModule(-</IfModule>)', errors: ['syntax/unclosed-section:2'] },
    { name: 'an undefined variable stays a directive', text: '<Location /a>\n${NOPE}\n</Location>\n', shape: 'Location(${NOPE})', errors: [] },
  ])('$name', ({ text, shape: want, errors: wantErrors }) => {
    const r = lone(text);
    expect(shape(r.root.children)).toBe(want);
    expect(errors(r)).toEqual(wantErrors);
  });

  it('a variable that makes an opener is kept as a directive, with a warning', () => {
    const r = lone('Define O "<Location /a>"\n${O}\nX\n');
    expect(shape(r.root.children)).toBe('Define <Location X');
    expect(warnings(r)).toEqual(['config/variable-opener:2']);
    expect(warnings(lone('<IfDefine X>\n${O}\n</IfDefine>\n'))).toEqual([]);
  });

  it('the error says what httpd reads', () => {
    const d = lone('Define C </Location>\n<Directory /a>\n${C}\n').diagnostics.find((x) => x.code === 'config/variable-section')!;
    expect(d.message).toContain('"Expected </Directory> but saw </Location>"');
    const n = lone('Define C </Location>\n${C}\n').diagnostics.find((x) => x.code === 'config/variable-section')!;
    expect(n.message).toContain('("</Location> without matching <Location> section")');
    expect(d.hint).toBe('write section closers literally, not through a variable');
  });
});

describe('resolved nodes', () => {
  it('take span and words from the syntax node; JSON gives the plain form', () => {
    const r = lone('Define P 8080\n<VirtualHost *:${P}>\n  ServerName a\n</VirtualHost>\n');
    const vh = r.root.children[1] as ResolvedSection;
    const sn = vh.children[0]!;
    expect(sn.span).toEqual(sn.syntax.span);
    expect([sn.span.line, sn.span.column]).toEqual([3, 3]);
    expect(vh.args).toEqual(['*:8080']);
    expect(sn.kind === 'directive' && sn.args).toEqual(['a']);
    const json = JSON.parse(JSON.stringify(vh)) as Record<string, unknown>;
    expect(json).toMatchObject({ kind: 'section', name: 'VirtualHost', args: ['*:8080'], active: true, condition: null, span: { line: 2, column: 1 } });
    expect((json['children'] as Record<string, unknown>[])[0]).toMatchObject({ kind: 'directive', name: 'ServerName', args: ['a'], span: { line: 3 } });
  });

  it('a directive\'s words are made once', () => {
    const d = lone('ServerName a\n').root.children[0]!;
    expect(d.kind === 'directive' && d.args).toBe(d.kind === 'directive' && d.args);
  });

  it('undefined-variable warnings on a long continued line point at each ${…}', () => {
    const text = `X ${Array.from({ length: 50 }, (_, i) => `\${U${i}} \\\n`).join('')}end\n`;
    const w = lone(text).diagnostics.filter((d) => d.code === 'config/undefined-variable');
    expect(w).toHaveLength(50);
    expect(w.map((d) => `${d.span.line}:${d.span.column}-${d.span.endColumn}`).slice(0, 3)).toEqual(['1:3-1:8', '2:1-2:6', '3:1-3:6'].map((s) => s.replace(/-\d+:/, '-')));
    expect(applied(lone('Define A 1\nX a${A}b \\\n c${A}\n'))).toEqual(['Define A 1', 'X a1b c1']);
  });
});

describe('never an internal error on sections, conditions and variable closers mixed at random', () => {
  it('500 seeded inputs', () => {
    let seed = 11;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const lines = [
      'Define C </Location>', 'Define V </VirtualHost>', 'Define I </IfModule>', 'Define G >', 'UnDefine C',
      '<Location /a>', '<Location /a${G}', '</Location>', '</Location> x', '${C}', '${V}', '${I}', '${NOPE}',
      '<VirtualHost *:80>', '</VirtualHost>', '<IfModule mod_proxy.c>', '<IfModule !mod_proxy.c>', '</IfModule>',
      '</IfModule> # c', '"</IfModule>"', '<IfDefine !X>', '</IfDefine>', '<Macro M>', '</Macro>', 'X a', '\uFEFFY', '<Location',
      'Include /t/x.conf', '\\',
    ];
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: rnd(24) }, () => lines[rnd(lines.length)]).join(rnd(4) === 0 ? '\\\n' : '\n');
      const r = lone(text);
      expect(r.diagnostics.filter((d) => d.code === 'config/internal').map((d) => `${d.message}\n${JSON.stringify(text)}`)).toEqual([]);
    }
  });
});
