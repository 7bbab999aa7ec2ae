/**
 * Regenerates the directive registry data from the real server:
 *
 *     npx tsc -p tsconfig.json && node dist/scripts/gen-directives.js            # writes src/directives/data/*.json
 *     npx tsc -p tsconfig.json && node dist/scripts/gen-directives.js --check    # exit 1 if the committed data differs
 *
 * Options: --corpus DIR (Debian tree with mods-available/ and mods-enabled/; default ../shared/corpus/debian-apache2
 * beside the repository), --out DIR (default src/directives/data), --apache BIN (default apache2).
 *
 * What it does, all with private configs in a temp dir (ServerRoot, PidFile and ErrorLog there, so nothing of this
 * machine's /etc/apache2 is read):
 *  1. `apache2 -l` and `-t -D DUMP_MODULES` on an empty config: the compiled-in modules, source name ↔ symbol.
 *  2. Each module of Debian's mods-available (and each shipped .so that has no .load file) loaded on its own,
 *     after its Depends. One that still fails with an undefined symbol gets the module that fixes it recorded
 *     as an undeclared requirement (dav_lock → dav). The source names that then appear in `-L` are its own;
 *     every source ↔ symbol pair is confirmed with `<IfModule mod_x.c>` / `<IfModule x_module>`.
 *  3. `apache2 -L` with every module loaded (allModulesLoadLines), once per MPM since the MPMs conflict and
 *     each has its own directives.
 *  4. Each directive placed at the top level and in <VirtualHost>, <Directory>, <Location>, <Files>, <If>, <Proxy>
 *     where `-L` says it may go, to record where the handler itself refuses it (ap_check_cmd_context: GLOBAL_ONLY,
 *     NOT_IN_* …, or its own checks). Dummy `On` arguments are added until the arity check passes, so the answer
 *     comes from the context check; a handler that validates values before its context would read as "allowed".
 * About 20 s on two cores.
 * Default-enabled modules come from the corpus copy of a fresh install's mods-enabled/, not from this machine.
 * Output is sorted and has no timestamps: the same apache2 build gives byte-identical files.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allModulesLoadLines, readDebianModules, type DebianModule } from './debian-modules.js';
import {
  parseAllowed,
  parseCompiledIn,
  parseDirectiveListing,
  parseDumpModules,
  parseServerVersion,
  type ListedDirective,
} from '../src/directives/listing.js';
import { nameKey } from '../src/directives/names.js';
import type { DirectiveInfo, DirectivesData, ModuleInfo, ModuleRef, ModulesData, Placement } from '../src/directives/types.js';

export const GENERATED_BY = 'scripts/gen-directives.ts';
export const REGENERATE = 'npx tsc -p tsconfig.json && node dist/scripts/gen-directives.js';
const MODULES_DIR = '/usr/lib/apache2/modules';
const MPMS = ['mpm_event', 'mpm_prefork', 'mpm_worker'] as const;

export interface GenerateOptions {
  readonly apache?: string;
  /** Debian tree holding mods-available/ and mods-enabled/ of a fresh install. */
  readonly corpus: string;
  readonly log?: (line: string) => void;
}

export interface Generated {
  readonly directives: DirectivesData;
  readonly modules: ModulesData;
  readonly directivesJson: string;
  readonly modulesJson: string;
}

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A private scratch server: every run gets its own config file under one temp ServerRoot. */
class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'apx-gen-'));
  private n = 0;
  constructor(private readonly apache: string) {}

  base(): string {
    return [`ServerRoot "${this.dir}"`, `PidFile "${this.dir}/httpd.pid"`, `ErrorLog "${this.dir}/error.log"`, 'ServerName localhost', ''].join('\n');
  }

  run(args: readonly string[], config: string): Promise<RunResult> {
    const file = join(this.dir, `c${this.n++}.conf`);
    writeFileSync(file, this.base() + config);
    return new Promise((done) => {
      // A clean environment: nothing from the caller's shell (APACHE_*, locale) may change what httpd prints.
      const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };
      execFile(this.apache, [...args, '-f', file], { timeout: 20_000, maxBuffer: 64 << 20, env }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 124) : 0;
        rmSync(file, { force: true });
        done({ code, stdout, stderr });
      });
    });
  }

  async ok(args: readonly string[], config: string, what: string): Promise<string> {
    const r = await this.run(args, config);
    if (r.code !== 0) throw new Error(`${what}: apache2 ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Modules Debian ships as .so without a .load file (example modules such as mod_case_filter). */
function unlistedShared(mods: readonly DebianModule[]): DebianModule[] {
  const listed = new Set(mods.map((m) => m.file));
  return readdirSync(MODULES_DIR)
    .filter((f) => /^mod_[a-z0-9_]+\.so$/.test(f) && !listed.has(join(MODULES_DIR, f)))
    .sort()
    .map((f) => {
      const stem = f.slice('mod_'.length, -'.so'.length);
      const file = join(MODULES_DIR, f);
      return { name: stem, symbol: `${stem}_module`, file, loadLines: [`LoadModule ${stem}_module ${file}`], depends: [], conflicts: [] };
    });
}

/** LoadModule lines for a module after everything it needs (Debian's Depends plus any found undeclared), deepest first. */
function dependencyLines(m: DebianModule, byName: ReadonlyMap<string, DebianModule>, undeclared: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (x: DebianModule): void => {
    if (seen.has(x.name)) return;
    seen.add(x.name);
    for (const d of [...x.depends, ...(undeclared.get(x.name) ?? [])]) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    out.push(...x.loadLines);
  };
  visit(m);
  return out;
}

function sourcesIn(listing: string): Set<string> {
  return new Set(parseDirectiveListing(listing).map((d) => d.source));
}

const UNDEFINED_SYMBOL = /undefined symbol: (\S+)/;

/**
 * Modules that will not even load after their declared Depends because they link against another module's
 * symbols (Debian 2.4.71: dav_lock needs dav — `a2enmod dav_lock` alone leaves a server that does not start).
 * For each, the first other module whose loading fixes it.
 */
async function undeclaredDependencies(scratch: Scratch, mods: readonly DebianModule[], limit: number): Promise<Map<string, string[]>> {
  const byName = new Map(mods.map((m) => [m.name, m]));
  const none = new Map<string, string[]>();
  const mpm = (m: DebianModule): string[] => (m.name.startsWith('mpm_') ? [] : byName.get('mpm_event')!.loadLines.slice());
  const out = new Map<string, string[]>();
  const failing = await mapLimit(mods, limit, async (m) => {
    const r = await scratch.run(['-t'], [...mpm(m), ...dependencyLines(m, byName, none)].join('\n') + '\n');
    return r.code === 0 ? null : (r.stderr + r.stdout);
  });
  for (const [i, err] of failing.entries()) {
    if (err === null) continue;
    const m = mods[i]!;
    if (!UNDEFINED_SYMBOL.test(err)) throw new Error(`${m.name} does not load after its Depends:\n${err}`);
    const candidates = mods.filter((c) => c !== m && !c.name.startsWith('mpm_'));
    const fixes = await mapLimit(candidates, limit, async (c) => {
      const lines = [...mpm(m), ...dependencyLines(c, byName, none), ...dependencyLines(m, byName, none)];
      return (await scratch.run(['-t'], [...new Set(lines)].join('\n') + '\n')).code === 0;
    });
    const fix = candidates.find((_, j) => fixes[j]);
    if (!fix) throw new Error(`${m.name} does not load after its Depends (${UNDEFINED_SYMBOL.exec(err)![1]}) and no single module fixes it`);
    out.set(m.name, [fix.name]);
  }
  return out;
}

/** Step 2: which source file name each shared module has. */
async function sharedModuleSources(
  scratch: Scratch,
  mods: readonly DebianModule[],
  undeclared: ReadonlyMap<string, readonly string[]>,
  staticSources: ReadonlySet<string>,
  limit: number,
): Promise<Map<string, string>> {
  const byName = new Map(mods.map((m) => [m.name, m]));
  const mpmLine = (m: DebianModule): string[] => (m.name.startsWith('mpm_') ? [] : byName.get('mpm_event')!.loadLines.slice());
  const listed = await mapLimit(mods, limit, async (m) => {
    // dependencyLines() ends with the module's own lines; without them it is just what it depends on.
    const withModule = [...mpmLine(m), ...dependencyLines(m, byName, undeclared)];
    const withoutModule = withModule.slice(0, withModule.length - m.loadLines.length);
    // An MPM has no dependencies, and httpd will not even list directives without an MPM.
    const [mine, deps] = await Promise.all([
      scratch.ok(['-L'], withModule.join('\n') + '\n', `listing ${m.name}`),
      m.name.startsWith('mpm_') ? '' : scratch.ok(['-L'], withoutModule.join('\n') + '\n', `listing the dependencies of ${m.name}`),
    ]);
    const before = sourcesIn(deps);
    const own = [...sourcesIn(mine)].filter((s) => !before.has(s) && !staticSources.has(s));
    if (own.length > 1) throw new Error(`${m.name}: loading it added several modules' directives: ${own.join(', ')}`);
    // A module without directives shows nothing in -L; httpd's own name for it is then the conventional one,
    // which the <IfModule> check below confirms.
    return own[0] ?? basename(m.file!).replace(/\.so$/, '.c');
  });
  const out = new Map<string, string>();
  mods.forEach((m, i) => out.set(m.name, listed[i]!));

  // <IfModule> with a `.c` name is ap_find_linked_module(): an exact match on the module's own name.
  await mapLimit(mods, limit, async (m) => {
    const source = out.get(m.name)!;
    const config = [
      ...mpmLine(m),
      ...dependencyLines(m, byName, undeclared),
      `<IfModule !${source}>`,
      `Error "not ${source}"`,
      '</IfModule>',
      `<IfModule !${m.symbol}>`,
      `Error "not ${m.symbol}"`,
      '</IfModule>',
      '',
    ].join('\n');
    await scratch.ok(['-t'], config, `confirming ${m.name} is ${source} / ${m.symbol}`);
  });
  return out;
}

/** Where each section opens for the probes; arguments chosen so the section itself parses without DNS or files. */
const PROBE_SECTIONS: Record<Placement, readonly [string, string]> = {
  server: ['', ''],
  VirtualHost: ['<VirtualHost *:80>', '</VirtualHost>'],
  Directory: ['<Directory "/nonexistent/apx-probe">', '</Directory>'],
  Location: ['<Location "/apx-probe">', '</Location>'],
  Files: ['<Files "apx-probe">', '</Files>'],
  If: ['<If "true">', '</If>'],
  Proxy: ['<Proxy "http://apx-probe.invalid/">', '</Proxy>'],
};

// ap_check_cmd_context() / invoke_cmd() refusals: "X cannot occur within <Y> section", "X not allowed in <Y>
// context", "X not allowed here"; and handlers' own, e.g. core.c set_server_alias(): "ServerAlias only used in
// <VirtualHost>".
const REFUSED = /cannot occur within|not allowed (?:here|in )|only used in/;
// invoke_cmd() arity complaints, raised before the handler runs — try more arguments.
const ARITY = /(?:^|\n|: )\S+ (?:takes |requires at least |must be On or Off)/;
const ARG_CANDIDATES: readonly (readonly string[])[] = [['On'], [], ['On', 'On'], ['On', 'On', 'On']];
// Arguments for the few that need specific ones: sections that must parse (and <VirtualHost> without a DNS
// lookup), and directives whose value error reads like an arity one ("ServerTokens takes 1 argument: 'Prod…").
const SECTION_ARGS: Record<string, string> = { virtualhost: '*:80', directory: '"/nonexistent/apx-probe"', directorymatch: '"^/nonexistent"' };
const DIRECTIVE_ARGS: Record<string, readonly string[]> = { servertokens: ['Prod'] };

type ProbeOutcome = 'allowed' | 'refused' | 'unknown';

async function probe(scratch: Scratch, modsConfig: string, d: ListedDirective, where: Placement): Promise<ProbeOutcome> {
  const [open, close] = PROBE_SECTIONS[where];
  const section = d.rawName.startsWith('<');
  const name = section ? d.rawName.slice(1) : d.rawName;
  const special = DIRECTIVE_ARGS[nameKey(name)];
  const candidates = section ? [[SECTION_ARGS[nameKey(name)] ?? 'On']] : special ? [special] : ARG_CANDIDATES;
  for (const args of candidates) {
    const line = section ? `<${name} ${args.join(' ')}>\n</${name}>` : [name, ...args].join(' ');
    const r = await scratch.run(['-t'], open ? `${modsConfig}${open}\n${line}\n${close}\n` : `${modsConfig}${line}\n`);
    if (r.code === 0) return 'allowed';
    const err = r.stderr + r.stdout;
    if (/Invalid command/.test(err) && err.includes(name)) throw new Error(`probe of ${name}: the module is not loaded:\n${err}`);
    if (REFUSED.test(err)) return 'refused';
    if (!ARITY.test(err)) return 'allowed';
  }
  return 'unknown';
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export async function generate(options: GenerateOptions): Promise<Generated> {
  const apache = options.apache ?? 'apache2';
  const log = options.log ?? ((): void => undefined);
  const limit = availableParallelism();
  const scratch = new Scratch(apache);
  try {
    const mods = readDebianModules(join(options.corpus, 'mods-available'));
    const enabled = new Set(
      readdirSync(join(options.corpus, 'mods-enabled'))
        .filter((f) => f.endsWith('.load'))
        .map((f) => f.slice(0, -'.load'.length)),
    );
    const extra = unlistedShared(mods);
    const allShared = [...mods, ...extra];
    const event = mods.find((m) => m.name === 'mpm_event');
    if (!event) throw new Error(`${options.corpus}/mods-available has no mpm_event.load`);
    const mpmLoad = event.loadLines.join('\n') + '\n';

    // 1. Compiled-in modules, in ap_loaded_modules order in both listings.
    const version = parseServerVersion(await scratch.ok(['-v'], mpmLoad, 'version'));
    const compiled = parseCompiledIn(await scratch.ok(['-l'], mpmLoad, 'compiled-in modules'));
    const dumped = parseDumpModules(await scratch.ok(['-t', '-D', 'DUMP_MODULES'], mpmLoad, 'module dump')).filter((m) => m.static);
    if (compiled.length !== dumped.length) throw new Error(`apache2 -l lists ${compiled.length} modules, DUMP_MODULES ${dumped.length} static ones`);
    log(`${version}: ${compiled.length} compiled-in modules, ${mods.length} .load files, ${extra.length} shipped without one`);

    // 2. Shared modules' source names.
    const undeclared = await undeclaredDependencies(scratch, allShared, limit);
    for (const [m, deps] of undeclared) log(`${m} needs ${deps.join(', ')} loaded first but its .load file does not say so`);
    const sources = await sharedModuleSources(scratch, allShared, undeclared, new Set(compiled), limit);

    const modules: ModuleInfo[] = [
      ...compiled.map((source, i) => {
        const symbol = dumped[i]!.symbol;
        const name = symbol.replace(/_module$/, '');
        return { name, symbol, source, file: null, static: true, a2enmod: false, depends: [], requires: [], conflicts: [], debianDefault: true };
      }),
      ...allShared.map((m) => ({
        name: m.name,
        symbol: m.symbol!,
        source: sources.get(m.name)!,
        file: m.file,
        static: false,
        a2enmod: mods.includes(m),
        depends: [...m.depends],
        requires: [...new Set([...m.depends, ...(undeclared.get(m.name) ?? [])])],
        conflicts: [...m.conflicts],
        debianDefault: enabled.has(m.name),
      })),
    ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const name of enabled) {
      if (!modules.some((m) => m.name === name)) throw new Error(`mods-enabled/${name}.load has no module in mods-available`);
    }
    const bySource = new Map<string, string>();
    for (const m of modules) {
      if (bySource.has(m.source)) throw new Error(`two modules claim ${m.source}: ${bySource.get(m.source)} and ${m.name}`);
      bySource.set(m.source, m.name);
    }

    // 3. Every directive, once per MPM. The first listing that names a directive supplies its text.
    const extraLines = extra.flatMap((m) => m.loadLines);
    const found = new Map<string, { entry: ListedDirective; providers: ModuleRef[] }>();
    for (const mpm of MPMS) {
      const config = [...allModulesLoadLines(mods, mpm), ...extraLines].join('\n') + '\n';
      const listing = parseDirectiveListing(await scratch.ok(['-L'], config, `listing with ${mpm}`));
      log(`${mpm}: ${listing.length} directive entries`);
      for (const entry of listing) {
        const module = bySource.get(entry.source);
        if (!module) throw new Error(`-L names ${entry.source}, which no module claims`);
        const key = nameKey(entry.rawName);
        const seen = found.get(key);
        if (!seen) found.set(key, { entry, providers: [{ module, source: entry.source }] });
        else if (!seen.providers.some((p) => p.source === entry.source)) seen.providers.push({ module, source: entry.source });
      }
    }
    // Keys keep the `<` of sections: mod_lua has both `LuaHookFixups` (a file's handler) and `<LuaHookFixups>`
    // (inline code), so a section and a directive may share a name.

    // 4. Probe the contexts the handlers refuse at start-up.
    const jobs: { key: string; where: Placement }[] = [];
    for (const [key, f] of found) {
      const ctx = parseAllowed(f.entry.allowed);
      if (ctx.server) jobs.push({ key, where: 'server' }, { key, where: 'VirtualHost' });
      if (ctx.directory) for (const where of ['Directory', 'Location', 'Files', 'If', 'Proxy'] as const) jobs.push({ key, where });
    }
    log(`probing ${jobs.length} directive × section placements`);
    // Each probe loads only what it needs — the MPM, the directive's module with what it requires, and mod_proxy for
    // <Proxy> — which halves the time of loading all ~120 modules thousands of times.
    const byName = new Map(allShared.map((m) => [m.name, m]));
    const probeConfig = (key: string, where: Placement): string => {
      const module = found.get(key)!.providers[0]!.module;
      const own = byName.get(module);
      const lines = [
        ...(own?.name.startsWith('mpm_') ? [] : event.loadLines),
        ...(own ? dependencyLines(own, byName, undeclared) : []),
        ...(where === 'Proxy' ? dependencyLines(byName.get('proxy')!, byName, undeclared) : []),
      ];
      return [...new Set(lines)].join('\n') + '\n';
    };
    const outcomes = await mapLimit(jobs, limit * 2, (j) => probe(scratch, probeConfig(j.key, j.where), found.get(j.key)!.entry, j.where));
    const refused = new Map<string, Placement[]>();
    const unknown: string[] = [];
    jobs.forEach((j, i) => {
      if (outcomes[i] === 'refused') refused.set(j.key, [...(refused.get(j.key) ?? []), j.where]);
      if (outcomes[i] === 'unknown') unknown.push(`${found.get(j.key)!.entry.rawName} in <${j.where}>`);
    });
    if (unknown.length) log(`no argument count got past the arity check (kept as allowed): ${unknown.join(', ')}`);

    const directives: DirectiveInfo[] = [...found.entries()]
      .map(([key, f]): DirectiveInfo => {
        const section = f.entry.rawName.startsWith('<');
        return {
          name: section ? f.entry.rawName.slice(1) : f.entry.rawName,
          section,
          module: f.providers[0]!.module,
          source: f.providers[0]!.source,
          alternatives: f.providers.slice(1),
          description: f.entry.description,
          allowed: f.entry.allowed,
          context: parseAllowed(f.entry.allowed),
          refusedIn: refused.get(key) ?? [],
        };
      })
      .sort((a, b) => {
        const ka = nameKey(a.name);
        const kb = nameKey(b.name);
        return ka < kb ? -1 : ka > kb ? 1 : Number(a.section) - Number(b.section);
      });

    const header = { generatedBy: GENERATED_BY, regenerate: REGENERATE, apacheVersion: version };
    const directivesData: DirectivesData = { ...header, directives };
    const modulesData: ModulesData = { ...header, modules };
    return { directives: directivesData, modules: modulesData, directivesJson: stableJson(directivesData), modulesJson: stableJson(modulesData) };
  } finally {
    scratch.dispose();
  }
}

/** The repository root: the nearest ancestor of this file with a package.json (works from scripts/ and dist/scripts/). */
export function repoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export function defaultCorpus(root: string = repoRoot()): string {
  return resolve(root, '..', 'shared', 'corpus', 'debian-apache2');
}

/** Warns when this machine's mods-enabled differs from the corpus copy of a fresh install (the data uses the corpus). */
function compareWithMachine(corpus: string, log: (line: string) => void): void {
  const list = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.load')).sort() : []);
  const machine = list('/etc/apache2/mods-enabled');
  const fresh = list(join(corpus, 'mods-enabled'));
  if (machine.length && machine.join() !== fresh.join()) {
    log(`note: /etc/apache2/mods-enabled differs from ${corpus}/mods-enabled; using the corpus (a fresh install)`);
  }
}

function argValue(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<number> {
  const root = repoRoot();
  const corpus = argValue(argv, '--corpus') ?? defaultCorpus(root);
  const out = argValue(argv, '--out') ?? join(root, 'src', 'directives', 'data');
  const log = (line: string): void => void process.stderr.write(line + '\n');
  if (!existsSync(join(corpus, 'mods-enabled'))) {
    log(`gen-directives: no Debian corpus at ${corpus} (pass --corpus DIR holding mods-available/ and mods-enabled/)`);
    return 2;
  }
  compareWithMachine(corpus, log);
  const g = await generate({ corpus, apache: argValue(argv, '--apache'), log });
  const files: [string, string][] = [
    [join(out, 'directives.json'), g.directivesJson],
    [join(out, 'modules.json'), g.modulesJson],
  ];
  if (argv.includes('--check')) {
    const stale = files.filter(([file, text]) => !existsSync(file) || readFileSync(file, 'utf8') !== text).map(([f]) => f);
    if (stale.length) log(`out of date: ${stale.join(', ')} — run: ${REGENERATE}`);
    return stale.length ? 1 : 0;
  }
  for (const [file, text] of files) writeFileSync(file, text);
  log(`wrote ${g.directives.directives.length} directives and ${g.modules.modules.length} modules to ${out}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`gen-directives: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
