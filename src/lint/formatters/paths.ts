import { isAbsolute, relative } from 'node:path';

/** The path as printed: relative to cwd when it lies below it, unchanged otherwise (and for `<stdin>`). */
export function displayPath(file: string, cwd: string | undefined): string {
  if (cwd === undefined || !isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
