/** Reading inputs and writing results: the only place the CLI touches stdin, files and streams. */
import { readFileSync } from 'node:fs';

export interface Input {
  /** The name diagnostics use: the path as the user typed it, or `<stdin>`. */
  readonly file: string;
  readonly text: string;
}

/** A failure that is the user's to fix (bad path, bad flag): printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const STDIN_NAME = '<stdin>';
/** What main() passes to yargs in place of a lone `-` argument. */
export const STDIN_ARG = '\u0000stdin';

export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** `-` reads standard input; anything else is a file path. */
export async function readInput(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Input> {
  if (path === '-' || path === STDIN_ARG) return { file: STDIN_NAME, text: await readStdin(stdin) };
  try {
    return { file: path, text: readFileSync(path, 'utf8') };
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${describeFsError(err)}`);
  }
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory (give a file, or use --server-root for a whole tree)';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

export interface Streams {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export const processStreams: Streams = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
