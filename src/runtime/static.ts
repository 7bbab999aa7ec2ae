/**
 * DocumentRoot files for requests no ProxyPass takes, as httpd's default handler with mod_dir and mod_mime would
 * serve them — safely: the decoded, normalised path is resolved inside the root, and a symlink leading out of it
 * is refused (404), as are `.ht*` files (403, Debian's `<FilesMatch "^\.ht">`). A directory without an index is
 * a 403 (httpd without `Options Indexes`; apx has no autoindex). No ranges, no content negotiation. GET, HEAD and
 * POST are served (httpd's default handler takes POST too); other methods are 405.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename, extname, resolve, sep } from 'node:path';

export type StaticResult =
  | { readonly kind: 'file'; readonly file: string; readonly size: number; readonly mtimeMs: number; readonly contentType: string | null }
  /** mod_dir DirectorySlash: `/dir` → 301 `/dir/`. */
  | { readonly kind: 'redirect'; readonly path: string }
  | { readonly kind: 'status'; readonly status: 403 | 404 };

/** mod_mime's common types (Debian /etc/mime.types). Unknown extensions get no Content-Type, as httpd. */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html',
  '.htm': 'text/html',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/vnd.microsoft.icon',
  '.pdf': 'application/pdf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.mp4': 'video/mp4',
  '.zip': 'application/zip',
};

/** Debian's dir.conf DirectoryIndex, without the CGI/PHP entries apx cannot run. */
const INDEX = ['index.html', 'index.xhtml', 'index.htm'];

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

async function statOrNull(p: string): Promise<Awaited<ReturnType<typeof stat>> | 'denied' | null> {
  try {
    return await stat(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? 'denied' : null;
  }
}

export interface StaticModules {
  /** mod_dir loaded: DirectorySlash redirects and DirectoryIndex; without it a directory is a 404 (httpd 2.4.71). */
  readonly dir: boolean;
  /** mod_mime loaded: Content-Type from the extension; without it httpd sends none. */
  readonly mime: boolean;
}

/** Find what `decodedPath` names under `documentRoot`. */
export async function lookupStatic(documentRoot: string, decodedPath: string, modules: StaticModules): Promise<StaticResult> {
  let root: string;
  try {
    root = await realpath(resolve(documentRoot));
  } catch {
    return { kind: 'status', status: 404 };
  }
  if (decodedPath.includes('\0')) return { kind: 'status', status: 404 };
  const wanted = resolve(root, `.${decodedPath}`);
  if (!inside(root, wanted)) return { kind: 'status', status: 404 };
  let st = await statOrNull(wanted);
  if (st === 'denied') return { kind: 'status', status: 403 };
  if (!st) return { kind: 'status', status: 404 };
  let file = wanted;
  if (st.isDirectory()) {
    if (!modules.dir) return { kind: 'status', status: 404 };
    if (!decodedPath.endsWith('/')) return { kind: 'redirect', path: `${decodedPath}/` };
    let found = false;
    for (const name of INDEX) {
      const candidate = resolve(wanted, name);
      const s = await statOrNull(candidate);
      if (s && s !== 'denied' && s.isFile()) {
        file = candidate;
        st = s;
        found = true;
        break;
      }
    }
    if (!found) return { kind: 'status', status: 403 };
  }
  if (basename(file).startsWith('.ht')) return { kind: 'status', status: 403 };
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return { kind: 'status', status: 404 };
  }
  // A symlink out of the DocumentRoot is not served (httpd would follow it with FollowSymLinks; apx is stricter).
  if (!inside(root, real)) return { kind: 'status', status: 404 };
  if (!st.isFile()) return { kind: 'status', status: 403 };
  return { kind: 'file', file: real, size: Number(st.size), mtimeMs: Number(st.mtimeMs), contentType: modules.mime ? (TYPES[extname(real).toLowerCase()] ?? null) : null };
}

/**
 * httpd's ETag for a file (FileETag MTime Size): "size-mtime" in hex, mtime in microseconds; weak (`W/`) while the
 * file was modified less than a second before the request, as it may still change within that second.
 */
export function etag(size: number, mtimeMs: number, now: number): string {
  const tag = `"${size.toString(16)}-${Math.floor(mtimeMs * 1000).toString(16)}"`;
  return now - mtimeMs < 1000 ? `W/${tag}` : tag;
}

export function openFile(file: string): NodeJS.ReadableStream {
  return createReadStream(file);
}

