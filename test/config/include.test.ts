import { describe, expect, it } from 'vitest';
import { load, memoryFs } from '../../src/config/index.js';
import { filesRead, resolution } from './helpers.js';

const R = '/srv/a';

/** A private tree: `apache2.conf` plus files, all under /srv/a. */
function tree(conf: string, files: Record<string, string> = {}, symlinks: Record<string, string> = {}) {
  const all: Record<string, string> = { [`${R}/apache2.conf`]: conf };
  for (const [k, v] of Object.entries(files)) all[`${R}/${k}`] = v;
  const links: Record<string, string> = {};
  for (const [k, v] of Object.entries(symlinks)) links[`${R}/${k}`] = v;
  return load({ file: `${R}/apache2.conf` }, { fs: memoryFs(all, { symlinks: links }) });
}

const rel = (r: ReturnType<typeof tree>): string[] => filesRead(r).slice(1).map((p) => p.replace(`${R}/`, ''));

describe('Include: which files, in which order (server/config.c)', () => {
  const cases: { name: string; conf: string; files: Record<string, string>; read: string[]; errors?: string[] }[] = [
    { name: 'a plain relative path is read against ServerRoot', conf: 'Include x.conf\n', files: { 'x.conf': '' }, read: ['x.conf'] },
    { name: 'an absolute path', conf: `Include ${R}/x.conf\n`, files: { 'x.conf': '' }, read: ['x.conf'] },
    {
      name: 'a wildcard is sorted by strcmp and skips dot-files',
      conf: 'Include d/*.conf\n',
      files: { 'd/b.conf': '', 'd/B.conf': '', 'd/a.conf': '', 'd/.hidden.conf': '', 'd/c.txt': '' },
      read: ['d/B.conf', 'd/a.conf', 'd/b.conf'],
    },
    { name: 'a dot-file matches a pattern that starts with a dot', conf: 'Include d/.*.conf\n', files: { 'd/.h.conf': '', 'd/x.conf': '' }, read: ['d/.h.conf'] },
    {
      name: 'a directory is read whole: dot-files and subdirectories too, sorted by full path',
      conf: 'Include d\n',
      files: { 'd/1.conf': '', 'd/.dot.conf': '', 'd/.hid/x.conf': '', 'd/a/x.conf': '', 'd/xbar.conf': '' },
      read: ['d/.dot.conf', 'd/.hid/x.conf', 'd/1.conf', 'd/a/x.conf', 'd/xbar.conf'],
    },
    {
      name: 'wildcards in directory parts match directories only',
      conf: 'Include */x.conf\n',
      files: { 'a/x.conf': '', 'b/x.conf': '', 'x.conf': '', 'f.conf': '' },
      read: ['a/x.conf', 'b/x.conf'],
      errors: [],
    },
    {
      name: 'a matched directory without the file is an error for Include (httpd opens c/x.conf and fails)',
      conf: 'Include */x.conf\n',
      files: { 'a/x.conf': '', 'c/y.conf': '' },
      read: ['a/x.conf'],
      errors: ['config/include-not-found apache2.conf:1:1'],
    },
    { name: '… and silent for IncludeOptional', conf: 'IncludeOptional */x.conf\n', files: { 'a/x.conf': '', 'c/y.conf': '' }, read: ['a/x.conf'], errors: [] },
    { name: 'a wildcard matching a directory reads the directory', conf: 'Include d*\n', files: { 'd1/a.conf': '', 'd2/b.conf': '' }, read: ['d1/a.conf', 'd2/b.conf'] },
    { name: '? and [] classes', conf: 'Include d/[ab]?.conf\n', files: { 'd/a1.conf': '', 'd/b2.conf': '', 'd/c3.conf': '', 'd/a12.conf': '' }, read: ['d/a1.conf', 'd/b2.conf'] },
    { name: 'a negated class', conf: 'Include d/[!a]*.conf\n', files: { 'd/a.conf': '', 'd/b.conf': '' }, read: ['d/b.conf'] },
    { name: 'a missing file is an error', conf: 'Include nope.conf\n', files: {}, read: [], errors: ['config/include-not-found apache2.conf:1:1'] },
    { name: 'a wildcard that matches nothing is an error', conf: 'Include d/*.conf\n', files: { 'd/x.txt': '' }, read: [], errors: ['config/include-not-found apache2.conf:1:1'] },
    { name: 'a wildcard in a missing directory is an error', conf: 'Include nodir/*.conf\n', files: {}, read: [], errors: ['config/include-not-found apache2.conf:1:1'] },
    { name: 'IncludeOptional: a missing file is fine', conf: 'IncludeOptional nope.conf\n', files: {}, read: [], errors: [] },
    { name: 'IncludeOptional: no match is fine', conf: 'IncludeOptional d/*.conf\n', files: { 'd/x.txt': '' }, read: [], errors: [] },
    { name: 'IncludeOptional: a missing directory is fine', conf: 'IncludeOptional nodir/*.conf\n', files: {}, read: [], errors: [] },
    { name: 'Include with two arguments is an error', conf: 'Include a.conf b.conf\n', files: { 'a.conf': '', 'b.conf': '' }, read: [], errors: ['config/include-args apache2.conf:1:1'] },
    { name: 'nested includes are read in place', conf: 'Include a.conf\nInclude c.conf\n', files: { 'a.conf': 'Include b.conf\n', 'b.conf': '', 'c.conf': '' }, read: ['a.conf', 'b.conf', 'c.conf'] },
    { name: 'an Include inside a VirtualHost is read where it is', conf: '<VirtualHost *:80>\nInclude a.conf\n</VirtualHost>\n', files: { 'a.conf': '' }, read: ['a.conf'] },
    { name: 'the same file included twice is read twice', conf: 'Include a.conf\nInclude a.conf\n', files: { 'a.conf': '' }, read: ['a.conf', 'a.conf'] },
    { name: 'a quoted path with spaces', conf: 'Include "my dir/x.conf"\n', files: { 'my dir/x.conf': '' }, read: ['my dir/x.conf'] },
    { name: 'a variable in the path', conf: 'Define D sub\nInclude ${D}/x.conf\n', files: { 'sub/x.conf': '' }, read: ['sub/x.conf'] },
  ];
  it.each(cases)('$name', ({ conf, files, read, errors }) => {
    const r = tree(conf, files);
    expect(rel(r)).toEqual(read);
    if (errors) expect(resolution(r).filter((c) => !c.includes('envvars'))).toEqual(errors);
  });

  it('a cycle is an error naming the chain, and is not followed', () => {
    const r = tree('Include a.conf\n', { 'a.conf': 'Include b.conf\n', 'b.conf': 'Include a.conf\n' });
    expect(rel(r)).toEqual(['a.conf', 'b.conf']);
    const d = r.diagnostics.find((x) => x.code === 'config/include-cycle')!;
    expect(d.message).toContain(`${R}/a.conf → ${R}/b.conf → ${R}/a.conf`);
    expect(d.span.file).toBe(`${R}/b.conf`);
  });

  it('a file including itself through a directory include is a cycle', () => {
    const r = tree('Include d\n', { 'd/a.conf': 'Include d\n' });
    expect(resolution(r)).toEqual(['config/include-cycle a.conf:1:1']);
  });

  it('a cycle through a symlink is found by real path', () => {
    const r = tree('Include a.conf\n', { 'a.conf': 'Include link.conf\n' }, { 'link.conf': 'a.conf' });
    expect(resolution(r)).toEqual(['config/include-cycle a.conf:1:1']);
  });

  it('including the same file in sequence is not a cycle', () => {
    const r = tree('Include a.conf\n', { 'a.conf': 'Include b.conf\nInclude b.conf\n', 'b.conf': '' });
    expect(resolution(r)).toEqual([]);
  });

  it('a chain deeper than 128 Includes is an error, not a stack overflow', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`f${i}.conf`] = `Include f${i + 1}.conf\n`;
    files['f200.conf'] = '';
    const r = tree('Include f0.conf\n', files);
    expect(resolution(r)).toEqual(['config/include-depth f127.conf:1:1']);
    expect(rel(r)).toHaveLength(128);
  });

  it('Includes in a false branch are not followed (httpd never reads them)', () => {
    const r = tree('<IfDefine NOPE>\nInclude missing.conf\n</IfDefine>\n', {});
    expect(resolution(r)).toEqual([]);
    const inc = (r.root.children[0] as { children: readonly { kind: string; active: boolean }[] }).children[0]!;
    expect(inc).toMatchObject({ kind: 'include', active: false, files: [] });
  });

  it('a symlinked file is read through its link path', () => {
    const r = tree('Include sites-enabled/*.conf\n', { 'sites-available/x.conf': 'ServerName x\n' }, { 'sites-enabled/x.conf': '../sites-available/x.conf' });
    expect(rel(r)).toEqual(['sites-enabled/x.conf']);
  });
});
