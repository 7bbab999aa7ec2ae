import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppendFile } from '../../src/runtime/append-file.js';
import { accessSinks, batchedWriter } from '../../src/runtime/logs.js';
import { accessLog } from './fixture.js';

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

describe('CustomLog files that fail (mod_log_config AH00649 / AH00646)', () => {
  const failures = async (target: string): Promise<string[]> => {
    const reported: string[] = [];
    const files = new Map<string, AppendFile>();
    const [sink] = accessSinks([accessLog('%h', target)], undefined, null, files, (e) => reported.push(e.message));
    const file = files.get(target)!;
    const failed = once(file, 'error');
    sink!.write('127.0.0.1\n');
    await failed;
    return reported;
  };

  it('a file that cannot be opened is AH00649', async () => {
    const target = join(tempFile(), 'missing-dir', 'access.log');
    expect(await failures(target)).toEqual([`AH00649: could not open transfer log file ${target}; access lines for it are dropped`]);
  });

  it.runIf(existsSync('/dev/full'))('a write that fails (a full disk: /dev/full) is AH00646', async () => {
    expect(await failures('/dev/full')).toEqual(['AH00646: Error writing to /dev/full; access lines for it are dropped from now on']);
  });
});
