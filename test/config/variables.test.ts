import { describe, expect, it } from 'vitest';
import { expandVars, load, memoryFs, type LoadOptions } from '../../src/config/index.js';
import { applied, resolution } from './helpers.js';

describe('expandVars (util.c ap_resolve_env)', () => {
  const vars: Record<string, string> = { A: 'x', SP: 'a b', E: '' };
  const lookup = (n: string): string | undefined => vars[n];
  it.each([
    { text: 'no vars', out: 'no vars', undef: [] },
    { text: '${A}', out: 'x', undef: [] },
    { text: 'p${A}q${A}', out: 'pxqx', undef: [] },
    { text: '${SP}', out: 'a b', undef: [] },
    { text: '${E}!', out: '!', undef: [] },
    { text: '${B}', out: '${B}', undef: ['B@0-4'] },
    { text: 'x ${B} ${A}', out: 'x ${B} x', undef: ['B@2-6'] },
    { text: '$A ${A', out: '$A ${A', undef: [] },
    { text: '$$${A}', out: '$$x', undef: [] },
    { text: '${map:key}', out: '${map:key}', undef: [] },
    { text: '${}', out: '${}', undef: ['@0-3'] },
    { text: '${A}}', out: 'x}', undef: [] },
  ])('$text', ({ text, out, undef }) => {
    const r = expandVars(text, lookup);
    expect(r.text).toBe(out);
    expect(r.undefinedVars.map((u) => `${u.name}@${u.start}-${u.end}`)).toEqual(undef);
  });

  it('does not scan substituted text again', () => {
    expect(expandVars('${X}', (n) => (n === 'X' ? '${Y}' : n === 'Y' ? 'no' : undefined)).text).toBe('${Y}');
  });
});

/** The file alone (no tree), on an empty file system. */
function lone(text: string, options: LoadOptions = {}) {
  return load({ file: '/t/x.conf', text }, { fs: memoryFs({}), noTreeDetection: true, ...options });
}

describe('Define, UnDefine and ${VAR} in reading order', () => {
  const cases: { name: string; text: string; applied: string[]; diags?: string[]; defines?: string[] }[] = [
    { name: 'Define then use', text: 'Define P 8080\nListen ${P}\n', applied: ['Define P 8080', 'Listen 8080'] },
    { name: 'use before Define keeps the text and warns', text: 'Listen ${P}\nDefine P 8080\n', applied: ['Listen ${P}', 'Define P 8080'], diags: ['config/undefined-variable x.conf:1:8'] },
    { name: 'a value with spaces is split into several arguments after expansion', text: 'Define V "a b"\nX ${V} c\n', applied: ['Define V a b', 'X a b c'] },
    { name: 'quotes inside a value are honoured by the second split', text: 'Define V \'"a b" c\'\nX ${V}\n', applied: ['Define V "a b" c', 'X a b c'] },
    { name: 'a variable inside quotes stays one argument', text: 'Define V "a b"\nX "${V}"\n', applied: ['Define V a b', 'X a b'] },
    { name: 'Define inside a VirtualHost is global', text: '<VirtualHost *:80>\nDefine Z 1\n</VirtualHost>\nX ${Z}\n', applied: ['Define Z 1', 'X 1'] },
    { name: 'UnDefine removes it', text: 'Define P 1\nUnDefine P\nX ${P}\n', applied: ['Define P 1', 'UnDefine P', 'X ${P}'], diags: ['config/undefined-variable x.conf:3:3'] },
    { name: 'a later Define wins', text: 'Define P 1\nDefine P 2\nX ${P}\n', applied: ['Define P 1', 'Define P 2', 'X 2'] },
    { name: 'Define names are case-insensitive for ${} (apr_table)', text: 'Define lower v\nX ${LOWER}\n', applied: ['Define lower v', 'X v'] },
    { name: 'a bare Define is not a variable', text: 'Define B\nX ${B}\n', applied: ['Define B', 'X ${B}'], diags: ['config/undefined-variable x.conf:2:3'] },
    { name: 'Debian envvars are the environment', text: 'ErrorLog ${APACHE_LOG_DIR}/error.log\nUser ${APACHE_RUN_USER}\n', applied: ['ErrorLog /var/log/apache2/error.log', 'User www-data'] },
    { name: 'environment names are case-sensitive (getenv)', text: 'X ${apache_log_dir}\n', applied: ['X ${apache_log_dir}'], diags: ['config/undefined-variable x.conf:1:3'] },
    { name: 'a Define overrides the environment', text: 'Define APACHE_LOG_DIR /l\nX ${APACHE_LOG_DIR}\n', applied: ['Define APACHE_LOG_DIR /l', 'X /l'] },
    { name: 'section arguments are expanded', text: 'Define H a.test\n<VirtualHost ${H}:80>\nServerName ${H}\n</VirtualHost>\n', applied: ['Define H a.test', 'ServerName a.test'] },
    { name: 'a variable across a continuation warns at its place', text: 'Listen 1 \\\n  ${NOPE}\n', applied: ['Listen 1 ${NOPE}'], diags: ['config/undefined-variable x.conf:2:3'] },
    { name: 'a Define with a colon is refused', text: 'Define a:b 1\n', applied: ['Define a:b 1'], diags: ['config/define-args x.conf:1:1'] },
    { name: 'Define with three arguments is refused', text: 'Define a b c\n', applied: ['Define a b c'], diags: ['config/define-args x.conf:1:1'] },
    { name: 'no warning in a false branch', text: '<IfDefine NOPE>\nX ${NOPE}\n</IfDefine>\n', applied: [], diags: [] },
    { name: 'no Define in a false branch', text: '<IfDefine NOPE>\nDefine P 1\n</IfDefine>\nX ${P}\n', applied: ['X ${P}'], diags: ['config/undefined-variable x.conf:4:3'] },
    { name: '${map:key} is mod_rewrite\'s, not a variable', text: 'RewriteRule ^/(.*) ${m:$1}\n', applied: ['RewriteRule ^/(.*) ${m:$1}'], diags: [] },
    { name: 'a variable in the directive name', text: 'Define D Listen\n${D} 80\n', applied: ['Define D Listen', 'Listen 80'] },
  ];
  it.each(cases)('$name', ({ text, applied: want, diags }) => {
    const r = lone(text);
    expect(applied(r)).toEqual(want);
    if (diags) expect(resolution(r)).toEqual(diags);
  });

  it('-D names are defined for <IfDefine>, and NAME=value is one name as apache2 2.4 treats it', () => {
    const r = lone('<IfDefine A>\nX a\n</IfDefine>\n<IfDefine B>\nX b\n</IfDefine>\n<IfDefine B=1>\nX b1\n</IfDefine>\nY ${B}\n', { defines: ['A', 'B=1'] });
    expect(applied(r)).toEqual(['X a', 'X b1', 'Y ${B}']);
  });

  it('reports the defines at the end of reading', () => {
    const r = lone('Define A 1\nDefine B\nDefine C 3\nUnDefine C\n', { defines: ['D'] });
    expect(r.defines.get('A')).toBe('1');
    expect(r.defines.get('B')).toBeNull();
    expect(r.defines.has('C')).toBe(false);
    expect(r.defines.get('D')).toBeNull();
    expect(r.defines.get('APACHE_LOG_DIR')).toBe('/var/log/apache2');
  });

  it('a tree reads its own envvars file', () => {
    const fs = memoryFs({
      '/srv/t/apache2.conf': 'ErrorLog ${APACHE_LOG_DIR}/e.log\nX ${APACHE_RUN_DIR}\n',
      '/srv/t/envvars': 'if [ x ]; then\n  SUFFIX=-x\nfi\nexport APACHE_LOG_DIR=/logs$SUFFIX\nR=/r\nexport APACHE_RUN_DIR="${R}/run"\n',
    });
    const r = load({ file: '/srv/t/apache2.conf' }, { fs });
    expect(applied(r)).toEqual(['ErrorLog /logs/e.log', 'X /r/run']);
  });
});
