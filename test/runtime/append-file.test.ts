import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppendFile } from '../../src/runtime/append-file.js';
import { batchedWriter } from '../../src/runtime/logs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempFile = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'apx-append-'));
  dirs.push(d);
  return join(d, 'access.log');
};
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const ended = (s: AppendFile): Promise<void> => new Promise((resolve) => s.end(resolve));

describe('AppendFile (CustomLog files written with a blocking write per turn)', () => {
  it('appends to what the file holds, in order, lines of one turn together', async () => {
    const path = tempFile();
    writeFileSync(path, 'old\n');
    const file = new AppendFile(path);
    await once(file, 'open');
    const write = batchedWriter(file);
    write('a\n');
    write('b é\n');
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    await nextTurn();
    expect(readFileSync(path, 'utf8')).toBe('old\na\nb é\n');
    write('c\n');
    await ended(file);
    expect(readFileSync(path, 'utf8')).toBe('old\na\nb é\nc\n');
  });

  it('loses no line written before the file was open or just before end()', async () => {
    const path = tempFile();
    const file = new AppendFile(path);
    file.write('first\n');
    const write = batchedWriter(file);
    write('last\n');
    await ended(file);
    expect(readFileSync(path, 'utf8')).toBe('first\nlast\n');
  });

  it('reports a file it cannot open as an error event, not a throw', async () => {
    const file = new AppendFile(join(tempFile(), 'no-such-dir', 'x.log'));
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => file.on('error', resolve));
    expect(err.code).toBe('ENOENT');
  });

  it('closes its descriptor once ended', async () => {
    const file = new AppendFile(tempFile());
    const closed = new Promise((resolve) => file.once('close', resolve));
    file.write('x\n');
    await ended(file);
    await closed;
    expect(file.closed).toBe(true);
  });
});
