import { describe, expect, it } from 'vitest';
import { evaluateIfVersion, load, memoryFs, type LoadOptions } from '../../src/config/index.js';
import { applied, resolution } from './helpers.js';

/** The file alone with the given modules (default: just the compiled-in ones) on a small file system. */
function lone(text: string, options: LoadOptions = {}) {
  const fs = memoryFs({ '/etc/apache2/present.conf': '', '/abs/file': '' });
  return load({ file: '/t/x.conf', text }, { fs, noTreeDetection: true, modules: [], ...options });
}

/** `<Kind arg>X</Kind>`: is X applied? */
function holds(kind: string, arg: string, options: LoadOptions = {}): boolean {
  return applied(lone(`<${kind} ${arg}>\nX\n</${kind}>\n`, options)).includes('X');
}

describe('<IfModule> (core.c start_ifmod: source name or symbol, strcmp)', () => {
  const proxy = { modules: ['proxy'] };
  it.each([
    { arg: 'proxy_module', options: proxy, value: true, diag: [] },
    { arg: 'mod_proxy.c', options: proxy, value: true, diag: [] },
    { arg: '!proxy_module', options: proxy, value: false, diag: [] },
    { arg: 'proxy_module', options: {}, value: false, diag: [] },
    { arg: '!proxy_module', options: {}, value: true, diag: [] },
    { arg: 'version_module', options: {}, value: true, diag: [] },
    { arg: 'mod_version.c', options: {}, value: true, diag: [] },
    { arg: 'some_unknown_module', options: {}, value: false, diag: [] },
    // The form the issue asked for: accepted, with a warning that httpd does not accept it.
    { arg: 'mod_proxy', options: proxy, value: true, diag: ['config/ifmodule-form x.conf:1:1'] },
    { arg: '!mod_proxy', options: proxy, value: false, diag: ['config/ifmodule-form x.conf:1:1'] },
    // Other spellings of a known module match nothing in httpd.
    { arg: 'proxy', options: proxy, value: false, diag: ['config/ifmodule-form x.conf:1:1'] },
    { arg: 'MOD_PROXY.C', options: proxy, value: false, diag: ['config/ifmodule-form x.conf:1:1'] },
  ])('<IfModule $arg> with $options.modules → $value', ({ arg, options, value, diag }) => {
    const r = lone(`<IfModule ${arg}>\nX\n</IfModule>\n`, options);
    expect(applied(r).includes('X')).toBe(value);
    expect(resolution(r)).toEqual(diag);
  });

  it('the warning says what httpd does and gives the fix', () => {
    const d = lone('<IfModule mod_proxy>\n</IfModule>\n', { modules: ['proxy'] }).diagnostics[0]!;
    expect(d.severity).toBe('warning');
    expect(d.message).toContain('skips this block');
    expect(d.hint).toBe('write <IfModule proxy_module>');
  });

  it('sees only the modules loaded above it (LoadModule runs as it is read)', () => {
    const text = '<IfModule proxy_module>\nA\n</IfModule>\nLoadModule proxy_module m.so\n<IfModule proxy_module>\nB\n</IfModule>\n';
    expect(applied(load({ file: '/t/x.conf', text }, { fs: memoryFs({}), noTreeDetection: true })).filter((x) => x.length === 1)).toEqual(['B']);
  });

  it('a third-party module is known by the symbol LoadModule gave it', () => {
    const text = 'LoadModule foo_module m.so\n<IfModule foo_module>\nA\n</IfModule>\n<IfModule mod_foo.c>\nB\n</IfModule>\n';
    const r = load({ file: '/t/x.conf', text }, { fs: memoryFs({}), noTreeDetection: true });
    expect(applied(r).filter((x) => x.length === 1)).toEqual(['A', 'B']);
    expect(r.modules.names.has('foo')).toBe(true);
  });

  it('nested conditions: inner ones in a false branch are inactive whatever they say', () => {
    const r = lone('<IfModule nope_module>\n<IfModule version_module>\nX\n</IfModule>\n</IfModule>\n');
    expect(applied(r)).toEqual([]);
    const outer = r.root.children[0]!;
    expect(outer).toMatchObject({ kind: 'section', active: true, condition: { kind: 'IfModule', value: false } });
    if (outer.kind !== 'section') throw new Error('section expected');
    expect(outer.children[0]).toMatchObject({ kind: 'section', active: false });
  });

  it('takes exactly one argument', () => {
    expect(resolution(lone('<IfModule a b>\n</IfModule>\n'))).toEqual(['config/condition-args x.conf:1:1']);
  });
});

describe('<IfDefine>, <IfFile>, <IfDirective>, <IfSection>', () => {
  it.each([
    { kind: 'IfDefine', arg: 'A', options: { defines: ['A'] }, value: true },
    { kind: 'IfDefine', arg: 'a', options: { defines: ['A'] }, value: false },
    { kind: 'IfDefine', arg: '!A', options: { defines: ['A'] }, value: false },
    { kind: 'IfDefine', arg: '!A', options: {}, value: true },
    { kind: 'IfFile', arg: 'present.conf', options: {}, value: true },
    { kind: 'IfFile', arg: 'absent.conf', options: {}, value: false },
    { kind: 'IfFile', arg: '/abs/file', options: {}, value: true },
    { kind: 'IfFile', arg: '/abs', options: {}, value: true },
    { kind: 'IfFile', arg: '!/abs/file', options: {}, value: false },
    { kind: 'IfDirective', arg: 'ServerName', options: {}, value: true },
    { kind: 'IfDirective', arg: 'servername', options: {}, value: true },
    { kind: 'IfDirective', arg: 'ProxyPass', options: {}, value: false },
    { kind: 'IfDirective', arg: 'ProxyPass', options: { modules: ['proxy'] }, value: true },
    { kind: 'IfDirective', arg: '!ProxyPass', options: {}, value: true },
    { kind: 'IfDirective', arg: 'NoSuchDirective', options: {}, value: false },
    { kind: 'IfSection', arg: 'VirtualHost', options: {}, value: true },
    { kind: 'IfSection', arg: 'Proxy', options: {}, value: false },
    { kind: 'IfSection', arg: 'Proxy', options: { modules: ['proxy'] }, value: true },
    { kind: 'IfSection', arg: '!Proxy', options: {}, value: true },
  ])('<$kind $arg> $options → $value', ({ kind, arg, options, value }) => {
    expect(holds(kind, arg, options)).toBe(value);
  });

  it('IfDefine sees Defines above it, not below', () => {
    expect(applied(lone('<IfDefine A>\nX\n</IfDefine>\nDefine A\n<IfDefine A>\nY\n</IfDefine>\n'))).toEqual(['Define A', 'Y']);
  });
});

describe('<IfVersion> (mod_version.c) against 2.4.71', () => {
  const v = { major: 2, minor: 4, patch: 71 };
  it.each([
    { args: ['2.4.71'], value: true },
    { args: ['2.4'], value: false },
    { args: ['=', '2.4.71'], value: true },
    { args: ['==', '2.4.71'], value: true },
    { args: ['>=', '2.4'], value: true },
    { args: ['>', '2.4'], value: true },
    { args: ['>', '2.4.71'], value: false },
    { args: ['>=', '2.4.71'], value: true },
    { args: ['<', '2.5'], value: true },
    { args: ['<=', '2.4.70'], value: false },
    { args: ['<', '3'], value: true },
    { args: ['!<', '2.4'], value: true },
    { args: ['!=', '2.4.71'], value: false },
    { args: ['~', '^2\\.4'], value: true },
    { args: ['~', '^2\\.2'], value: false },
    { args: ['!~', '^2\\.2'], value: true },
    { args: ['/^2\\.4\\./'], value: true },
    { args: ['=', '/^2\\.2/'], value: false },
  ])('$args', ({ args, value }) => {
    expect(evaluateIfVersion(args, v)).toEqual({ ok: true, value });
  });

  it.each([[['!', '2.4']], [['~=', '2.4']], [['>', 'x.y']], [['2.4.71.1']], [['=', '/^2']], [['~', '(']], [[]]])('%j is an error httpd refuses', (args) => {
    expect(evaluateIfVersion(args, v).ok).toBe(false);
  });

  it('is evaluated in the resolver, errors reported', () => {
    expect(applied(lone('<IfVersion >= 2.4>\nX\n</IfVersion>\n<IfVersion < 2.4>\nY\n</IfVersion>\n'))).toEqual(['X']);
    expect(resolution(lone('<IfVersion >> 2>\n</IfVersion>\n'))).toEqual(['config/condition-args x.conf:1:1']);
  });
});
