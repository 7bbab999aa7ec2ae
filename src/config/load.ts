/**
 * load(): one entry file → the resolved configuration httpd would read for it.
 *
 * - Tree mode (a ServerRoot was given, or one was found above the entry): read the tree's root file the way
 *   httpd starts; the entry is the node an Include reaches. An entry no Include reaches (a site in
 *   sites-available that is not enabled) is read as if it were enabled: right after the Include that reads
 *   sites-enabled/, else after the root's last line — and the answer says so.
 * - Lone-file mode (no tree, stdin, --no-tree): the entry alone, in the context a default `apt install apache2`
 *   gives it: Debian's default modules, envvars and ServerRoot /etc/apache2.
 *
 * Never throws on any input: unreadable files and every resolution problem become diagnostics.
 */
import { posix } from 'node:path';
import type { Diagnostic, Span } from '../diagnostic.js';
import { parse } from '../syntax/parse.js';
import { DEBIAN_ENVVARS, parseEnvvars } from './env.js';
import { nodeFs } from './fs.js';
import { ModuleTracker } from './modules.js';
import { Resolver, type PathMap, type ResolveOutput, type SplicePoint } from './resolve.js';
import { detectTree, rootFileIn, type TreeRoot } from './tree.js';
import type { ConfigFs, LoadEntry, LoadOptions, LoadResult, ModuleSetSource, ResolvedFile } from './types.js';
import { Variables } from './variables.js';

/** Debian's compiled-in ServerRoot (apache2 -V: HTTPD_ROOT="/etc/apache2"). */
export const DEBIAN_SERVER_ROOT = '/etc/apache2';

const STDIN_NAMES = new Set(['<stdin>', '-']);

export function load(entry: LoadEntry, options: LoadOptions = {}): LoadResult {
  try {
    return loadUnsafe(entry, options);
  } catch (e) {
    // A bug in apx must not take the caller down with a stack trace: report it on the entry instead.
    const file = typeof entry?.file === 'string' ? entry.file : '<input>';
    const ast = parse('', file).ast;
    const root: ResolvedFile = { path: file, ast, children: [], spliced: false };
    const message = e instanceof Error ? e.message : String(e);
    return {
      entry: file,
      mode: 'lone-file',
      serverRoot: null,
      root,
      entryFile: null,
      modules: new ModuleTracker('debian-default').snapshot(),
      defines: new Map(),
      assumptions: [],
      diagnostics: [{ severity: 'error', code: 'config/internal', message: `apx could not resolve this file (internal error: ${message})`, span: startSpan(file), hint: 'please report this with the file attached' }],
    };
  }
}

function loadUnsafe(entry: LoadEntry, options: LoadOptions): LoadResult {
  const fs = options.fs ?? nodeFs;
  const isStdin = STDIN_NAMES.has(entry.file);
  const entryPath = isStdin ? entry.file : posix.resolve(entry.file);
  const problems: Diagnostic[] = [];

  let tree: TreeRoot | null = null;
  if (options.serverRoot !== undefined) {
    const dir = posix.resolve(options.serverRoot);
    tree = rootFileIn(fs, dir);
    if (!tree) {
      problems.push({
        severity: 'error',
        code: 'config/no-root-file',
        message: `--server-root ${options.serverRoot}: no apache2.conf or httpd.conf there, so the file is read alone`,
        span: startSpan(entry.file),
        hint: 'point --server-root at the directory that holds apache2.conf (Debian: /etc/apache2)',
      });
    }
  } else if (!isStdin && options.noTreeDetection !== true) {
    tree = detectTree(fs, entryPath);
  }

  if (tree) return loadTree(entry, entryPath, isStdin, tree, fs, options, problems);
  return loadLone(entry, entryPath, isStdin, fs, options, problems, options.serverRoot !== undefined ? posix.resolve(options.serverRoot) : null);
}

function moduleSource(options: LoadOptions, fallback: ModuleSetSource): ModuleTracker {
  return options.modules !== undefined ? new ModuleTracker('option', options.modules) : new ModuleTracker(fallback);
}

function loadLone(entry: LoadEntry, entryPath: string, isStdin: boolean, fs: ConfigFs, options: LoadOptions, problems: Diagnostic[], serverRoot: string | null): LoadResult {
  const modules = moduleSource(options, 'debian-default');
  const variables = new Variables(DEBIAN_ENVVARS, options.defines ?? []);
  const resolver = new Resolver({
    fs,
    modules,
    variables,
    serverRoot: serverRoot ?? DEBIAN_SERVER_ROOT,
    treeDir: null,
    pathMaps: [],
    entryReal: isStdin ? entryPath : fs.realpath(entryPath),
    entryName: entry.file,
    entryText: entry.text,
    splice: null,
    loneFile: serverRoot === null,
  });
  const assumptions: string[] = [];
  assumptions.push(
    `${isStdin ? 'the input' : posix.basename(entryPath)} is read alone, as part of a default \`apt install apache2\` on Debian: ` +
      (options.modules !== undefined ? 'the modules given with --modules' : 'the modules a fresh install enables') +
      ' and the APACHE_* variables of its envvars (APACHE_LOG_DIR=/var/log/apache2 …)',
  );
  const out = resolver.run(entryPath, entry.text);
  const diagnostics = [...out.syntaxDiagnostics, ...problems, ...out.diagnostics];
  if (out.entryFile === null) diagnostics.unshift(notReadable(entry.file));
  return {
    entry: entry.file,
    mode: 'lone-file',
    serverRoot: null,
    root: out.root,
    entryFile: out.entryFile === null ? null : out.root,
    modules: modules.snapshot(),
    defines: variables.snapshot(),
    assumptions: [...assumptions, ...out.assumptions],
    diagnostics,
  };
}

function loadTree(entry: LoadEntry, entryPath: string, isStdin: boolean, tree: TreeRoot, fs: ConfigFs, options: LoadOptions, problems: Diagnostic[]): LoadResult {
  const entryReal = isStdin ? null : fs.realpath(entryPath);
  const envText = fs.readFile(posix.join(tree.serverRoot, 'envvars'));
  const env = envText !== null ? parseEnvvars(envText) : DEBIAN_ENVVARS;
  const pathMaps = conventionalMaps(fs, tree);

  const attempt = (splice: SplicePoint | null): { out: ResolveOutput; modules: ModuleTracker; variables: Variables } => {
    const modules = moduleSource(options, 'load-module');
    const variables = new Variables(env, options.defines ?? []);
    const maps = [...pathMaps];
    const resolver = new Resolver({
      fs,
      modules,
      variables,
      serverRoot: tree.serverRoot,
      treeDir: posix.dirname(tree.rootFile),
      pathMaps: maps,
      entryReal: isStdin ? entry.file : entryReal,
      entryName: entry.file,
      entryText: entry.text,
      splice: splice === null ? null : { at: splice, path: entryPath, text: entry.text },
      loneFile: false,
    });
    const rootIsEntry = entryReal !== null && fs.realpath(tree.rootFile) === entryReal;
    const out = resolver.run(tree.rootFile, rootIsEntry ? entry.text : undefined);
    return { out, modules, variables };
  };

  let run = attempt(null);
  let spliced = false;
  if (run.out.entryFile === null && (isStdin || fs.stat(entryPath) !== null || entry.text !== undefined)) {
    const at: SplicePoint = run.out.sitesEnabledInclude >= 0 ? { kind: 'after-include', index: run.out.sitesEnabledInclude } : { kind: 'end-of-root' };
    run = attempt(at);
    spliced = true;
  }
  const { out, modules, variables } = run;
  const assumptions: string[] = [];
  if (envText === null && variables.environmentUsed) assumptions.push(`${tree.serverRoot} has no envvars file: \${APACHE_…} variables take Debian's defaults`);
  for (const m of out.usedMaps) {
    if (pathMaps.includes(m)) assumptions.push(`paths under ${m.from} are read from ${m.to}, where this tree is`);
  }
  if (spliced) assumptions.push(splicedAssumption(entryPath, isStdin, tree, out.sitesEnabledInclude >= 0));
  if (options.modules !== undefined) assumptions.push('the loaded modules are the ones given with --modules; LoadModule lines do not change them');

  const diagnostics = [...out.syntaxDiagnostics, ...problems, ...out.diagnostics];
  if (out.entryFile === null) diagnostics.unshift(notReadable(entry.file));
  return {
    entry: entry.file,
    mode: 'tree',
    serverRoot: tree.serverRoot,
    root: out.root,
    entryFile: out.entryFile,
    modules: modules.snapshot(),
    defines: variables.snapshot(),
    assumptions: [...assumptions, ...out.assumptions],
    diagnostics,
  };
}

/**
 * Absolute paths a copied tree names for itself: a Debian tree lives in /etc/apache2, a Red Hat one in
 * /etc/httpd. When the tree being read is elsewhere, its own absolute paths are read inside it.
 */
function conventionalMaps(fs: ConfigFs, tree: TreeRoot): PathMap[] {
  const maps: PathMap[] = [];
  const here = fs.realpath(tree.serverRoot);
  const home = posix.basename(tree.serverRoot) === 'httpd' ? '/etc/httpd' : posix.basename(tree.serverRoot) === 'apache2' ? DEBIAN_SERVER_ROOT : null;
  if (home !== null && here !== home && fs.realpath(home) !== here) maps.push({ from: home, to: tree.serverRoot });
  return maps;
}

function splicedAssumption(entryPath: string, isStdin: boolean, tree: TreeRoot, afterSitesEnabled: boolean): string {
  const rel = posix.relative(tree.serverRoot, entryPath);
  const name = isStdin ? 'the input' : rel.startsWith('..') ? entryPath : rel;
  const where = afterSitesEnabled ? 'where sites-enabled/ is read' : `at the end of ${posix.basename(tree.rootFile)}`;
  const site = /^sites-available\/(.+)\.conf$/.exec(rel);
  const how = site && !isStdin ? ` (a2ensite ${site[1]})` : '';
  return `${name} is not enabled in ${tree.serverRoot}; it is read as if it were${how}, ${where}`;
}

function notReadable(file: string): Diagnostic {
  return {
    severity: 'error',
    code: 'config/entry-not-found',
    message: `cannot read ${file}`,
    span: startSpan(file),
    hint: 'check the path and its permissions',
  };
}

function startSpan(file: string): Span {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, endOffset: 0 };
}
