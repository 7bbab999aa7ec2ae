/**
 * The server trees of the shared corpus, read as Apache reads them. The corpus stores each symbolic link
 * (`mods-enabled/*`, `sites-enabled/*`, `conf-enabled/*`) as a small file holding the link's target; read with the
 * real file system those would be config files of one unknown word, and a Debian tree would have no modules and no
 * sites. test/config/helpers.ts's corpusFs turns the stubs back into links, in memory.
 */
import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { join, relative } from 'node:path';
import { load, type LoadResult } from '../../src/config/index.js';
import type { ProxyModel } from '../../src/model/index.js';
import { corpusFs } from '../config/helpers.js';

export interface CorpusTree {
  /** The root file relative to the corpus: `debian-apache2/apache2.conf`. */
  readonly rel: string;
  readonly rootFile: string;
  /** The directory the tree's relative paths start from (Red Hat: `…/httpd`, above `conf/httpd.conf`). */
  readonly serverRoot: string;
}

function sortedEntries(dir: string): Dirent[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every tree in the corpus: a directory holding apache2.conf or httpd.conf (or conf/httpd.conf), found by walking. */
export function corpusTrees(corpus: string): CorpusTree[] {
  const out: CorpusTree[] = [];
  const visit = (dir: string): void => {
    for (const e of sortedEntries(dir)) {
      if (!e.isDirectory()) continue;
      const d = join(dir, e.name);
      const root = ['apache2.conf', 'httpd.conf'].map((f) => join(d, f)).find((f) => existsSync(f));
      if (root) out.push({ rel: relative(corpus, root), rootFile: root, serverRoot: d });
      else if (existsSync(join(d, 'conf', 'httpd.conf'))) out.push({ rel: relative(corpus, join(d, 'conf', 'httpd.conf')), rootFile: join(d, 'conf', 'httpd.conf'), serverRoot: d });
      else visit(d);
    }
  };
  visit(corpus);
  return out;
}

/** Load a corpus tree from its root file, links made real; `modules` replaces the tree's own module set. */
export function loadTree(t: CorpusTree, modules?: readonly string[]): LoadResult {
  return load({ file: t.rootFile }, { serverRoot: t.serverRoot, fs: corpusFs(t.serverRoot), ...(modules ? { modules } : {}) });
}

const address = (a: { host: string | null; port: number | null }): string => `${a.host ?? '*'}:${a.port ?? '*'}`;

/**
 * A model in a few lines a reader can check against the files: each listener with the vhosts that answer there,
 * each vhost with its addresses, names, DocumentRoot, TLS, name-based or not, and where it is written.
 */
export function summary(m: ProxyModel, serverRoot: string): { listeners: string[]; vhosts: string[] } {
  return {
    listeners: m.listeners.map((l) => `${l.host ?? '*'}:${l.port}${l.protocol ? ` ${l.protocol}` : ''} -> ${l.virtualHosts.join(',')}`),
    vhosts: m.virtualHosts.map((v) =>
      [
        v.addresses.map(address).join(','),
        v.serverName ?? '(no ServerName)',
        ...v.serverAliases.map((a) => `+${a}`),
        `root=${v.documentRoot ?? '-'}`,
        ...(v.tls?.engine ? ['tls'] : []),
        v.nameBased ? 'name-based' : 'ip-based',
        `@${v.span ? `${relative(serverRoot, v.span.file)}:${v.span.line}` : '-'}`,
      ].join(' '),
    ),
  };
}

/** One virtual host as `apache2 -S` lists it under an address: the name it answers to, where it is written. */
export interface DumpedVhost {
  readonly name: string;
  readonly aliases: readonly string[];
  /** `file:line` with the file relative to the tree. */
  readonly where: string;
}

/**
 * `apache2 -S` (DUMP_VHOSTS, server/vhost.c `ap_dump_vhost_config`): per address, the vhosts in the order
 * httpd tries them. An address with one vhost is one line; a name-based one has `default server` (the first)
 * then one `port N namevhost` line per vhost, each followed by its `alias` lines. Paths are made relative to
 * `root` (the tree as apache2 read it) so they compare with apx's.
 */
export function parseDumpVhosts(text: string, root: string): Map<string, DumpedVhost[]> {
  const out = new Map<string, DumpedVhost[]>();
  const rel = (file: string, line: string): string => `${relative(root, file)}:${line}`;
  let current: DumpedVhost[] | null = null;
  let last: { name: string; aliases: string[]; where: string } | null = null;
  for (const l of text.split('\n')) {
    const single = /^(\S+:\S+)\s+(\S+) \((.+):(\d+)\)$/.exec(l);
    const named = /^(\S+:\S+)\s+is a NameVirtualHost$/.exec(l);
    const member = /^\s+port \S+ namevhost (\S+) \((.+):(\d+)\)$/.exec(l);
    const alias = /^\s+(?:wild )?alias (\S+)$/.exec(l);
    if (single) {
      last = { name: single[2]!, aliases: [], where: rel(single[3]!, single[4]!) };
      out.set(single[1]!, [last]);
      current = null;
    } else if (named) {
      current = [];
      out.set(named[1]!, current);
      last = null;
    } else if (member && current) {
      last = { name: member[1]!, aliases: [], where: rel(member[2]!, member[3]!) };
      current.push(last);
    } else if (alias && last) last.aliases.push(alias[1]!);
    else if (!/^\s+default server /.test(l)) {
      current = null;
      last = null;
    }
  }
  return out;
}

/**
 * The same view of a model: per address (as written in <VirtualHost>), its vhosts in reading order — the order
 * httpd tries name-based vhosts in. A vhost with no ServerName answers to the main server's name, which httpd
 * takes from the machine when none is set (`hostname` below).
 */
export function modelVhosts(m: ProxyModel, root: string, hostname: string): Map<string, DumpedVhost[]> {
  const out = new Map<string, DumpedVhost[]>();
  for (const v of m.virtualHosts) {
    for (const a of v.addresses) {
      const key = `${a.host ?? '*'}:${a.port ?? '*'}`;
      const list = out.get(key) ?? [];
      list.push({ name: v.serverName ?? m.mainServer.serverName ?? hostname, aliases: v.serverAliases, where: v.span ? `${relative(root, v.span.file)}:${v.span.line}` : '-' });
      out.set(key, list);
    }
  }
  // httpd prints aliases only in a name-based list (vhost.c dump_a_vhost: an address with one vhost is one line).
  for (const [key, list] of out) if (list.length === 1) out.set(key, [{ ...list[0]!, aliases: [] }]);
  return out;
}

/** A map as sorted entries, so two compare with toEqual whatever order httpd printed the addresses in. */
export const sortedEntriesOf = <V>(m: Map<string, V>): [string, V][] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
