import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryFs, nodeFs, type ConfigFs } from '../../src/config/index.js';

describe('memoryFs', () => {
  const fs = memoryFs(
    { '/a/b/c.conf': 'C', '/a/d.conf': 'D', 'relative.conf': 'ignored' },
    { symlinks: { '/a/link.conf': 'd.conf', '/a/dirlink': 'b', '/abs': '/a/b/c.conf', '/loop1': '/loop2', '/loop2': '/loop1', '/dangling': '/none' } },
  );
  it.each([
    ['/a/b/c.conf', 'C'],
    ['/a/link.conf', 'D'],
    ['/a/dirlink/c.conf', 'C'],
    ['/abs', 'C'],
    ['/a//b/./c.conf', 'C'],
    ['/a/b', null],
    ['/loop1', null],
    ['/dangling', null],
    ['/relative.conf', null],
  ])('readFile(%s) → %s', (path, text) => {
    expect(fs.readFile(path)).toBe(text);
  });
  it('stat, readdir and realpath', () => {
    expect(fs.stat('/a')).toEqual({ kind: 'directory' });
    expect(fs.stat('/a/dirlink')).toEqual({ kind: 'directory' });
    expect(fs.stat('/a/link.conf')).toEqual({ kind: 'file' });
    expect(fs.stat('/nothing')).toBeNull();
    expect(fs.stat('/loop1')).toBeNull();
    expect([...fs.readdir('/a')!].sort()).toEqual(['b', 'd.conf', 'dirlink', 'link.conf']);
    expect(fs.readdir('/a/dirlink')).toEqual(['c.conf']);
    expect(fs.readdir('/a/d.conf')).toBeNull();
    expect(fs.realpath('/a/dirlink/c.conf')).toBe('/a/b/c.conf');
    expect(fs.realpath('/a/link.conf')).toBe('/a/d.conf');
  });
});

describe('nodeFs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'apx-fs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'a.conf'), 'A');
  symlinkSync('sub/a.conf', join(dir, 'link.conf'));
  const fs: ConfigFs = nodeFs;
  it('reads files and directories, follows links, never throws', () => {
    expect(fs.readFile(join(dir, 'link.conf'))).toBe('A');
    expect(fs.readFile(join(dir, 'sub'))).toBeNull();
    expect(fs.readFile(join(dir, 'none'))).toBeNull();
    expect(fs.stat(join(dir, 'sub'))).toEqual({ kind: 'directory' });
    expect(fs.stat(join(dir, 'none'))).toBeNull();
    expect(fs.readdir(join(dir, 'sub'))).toEqual(['a.conf']);
    expect(fs.readdir(join(dir, 'none'))).toBeNull();
    expect(fs.realpath(join(dir, 'link.conf'))).toBe(join(fs.realpath(dir), 'sub', 'a.conf'));
    expect(fs.realpath(join(dir, 'none'))).toBe(join(dir, 'none'));
  });
});
