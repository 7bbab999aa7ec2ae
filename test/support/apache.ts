/**
 * Real Apache httpd for tests: a private ServerRoot per test in a temp dir, `apache2 -t` and the `-D DUMP_*`
 * oracles, and a foreground server on a loopback port that is always cleaned up.
 *
 * Usage (the placeholders are the harness's convention, see `renderTemplate`):
 *
 *   const echo = await startEchoBackend({ name: 'a' });
 *   const root = await createServerRoot({
 *     modules: ['proxy', 'proxy_http'],
 *     config: `ProxyPass / ${echo.url}/\nProxyPassReverse / ${echo.url}/\n`,
 *   });
 *   const httpd = await startApache(root);            // Listen 127.0.0.1:{{PORT}} is written for you
 *   const res = await request(`${httpd.url}/x`);
 *   await root.dispose();                             // stops the server, removes the dir
 *   // or once per file: afterAll(disposeAllApache)
 *
 * Nothing here reads or writes /var/run/apache2, /var/lock or /var/log/apache2, and the child gets a clean
 * environment, so any number of servers can run side by side (vitest runs files in parallel).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  allModulesLoadLines,
  DEFAULT_MODS_AVAILABLE,
  readDebianModules,
  type DebianModule,
} from '../../scripts/debian-modules.js';
import { freePort, LOOPBACK, waitForPort } from './ports.js';

// ───────────────────────────────────────────── the binary ─────────────────────────────────────────────

let binCache: string | null | undefined;

/** Absolute path of `apache2` (PATH first, then /usr/sbin, which a non-login root shell may lack), or null. */
export function apacheBinary(): string | null {
  if (binCache !== undefined) return binCache;
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin'];
  binCache = null;
  for (const d of dirs) {
    const p = join(d, 'apache2');
    try {
      if (statSync(p).isFile()) {
        binCache = p;
        break;
      }
    } catch {
      /* not here */
    }
  }
  return binCache;
}

/** True when real Apache can be run: `describe.skipIf(!apacheAvailable())(…)`. */
export function apacheAvailable(): boolean {
  return apacheBinary() !== null && existsSync(DEFAULT_MODS_AVAILABLE);
}

/** Why suites that need Apache are skipped; print it so a skip is never silent. */
export function apacheSkipReason(): string {
  if (apacheBinary() === null) return 'apache2 not found on PATH or in /usr/sbin (apt-get install apache2; .ci/run does)';
  if (!existsSync(DEFAULT_MODS_AVAILABLE)) return `${DEFAULT_MODS_AVAILABLE} missing: not a Debian apache2 install`;
  return '';
}

// ───────────────────────────────────────────── modules ─────────────────────────────────────────────

export type Mpm = 'event' | 'worker' | 'prefork';

export interface ModuleSelection {
  /** a2enmod names in load order, the MPM and authz_core included. */
  readonly names: readonly string[];
  readonly loadLines: readonly string[];
}

let modsCache: DebianModule[] | undefined;
function debianModules(): DebianModule[] {
  return (modsCache ??= readDebianModules());
}

/**
 * LoadModule lines for a module list of a2enmod names. The MPM (event unless the list names one, or `mpm` says
 * otherwise) and authz_core are always loaded: Apache refuses to start without an MPM, and every Debian config
 * uses `Require`. With `resolveDepends` (the default) each module's `# Depends:` (from its `.load`, as a2enmod
 * reads it) is loaded before it; without, the list is loaded in the order given, which lets a test leave a
 * dependency out (`proxy_http` without `proxy` fails with an undefined symbol, as on a real server).
 */
export function selectModules(
  modules: 'all' | readonly string[],
  opts: { resolveDepends?: boolean; mpm?: Mpm; available?: readonly DebianModule[] } = {},
): ModuleSelection {
  const available = opts.available ?? debianModules();
  const byName = new Map(available.map((m) => [m.name, m]));
  const mpmName = `mpm_${opts.mpm ?? 'event'}`;
  if (modules === 'all') {
    const names = available.filter((m) => !m.name.startsWith('mpm_') || m.name === mpmName).map((m) => m.name);
    return { names, loadLines: allModulesLoadLines(available, mpmName) };
  }
  for (const n of modules) {
    if (!byName.has(n)) {
      const near = available.map((m) => m.name).filter((m) => m.includes(n) || n.includes(m)).slice(0, 5);
      throw new Error(`unknown module "${n}" (not in ${DEFAULT_MODS_AVAILABLE})${near.length ? `; did you mean ${near.join(', ')}?` : ''}`);
    }
  }
  const hasMpm = modules.some((n) => n.startsWith('mpm_'));
  const wanted = [...(hasMpm ? [] : [mpmName]), 'authz_core', ...modules];
  const names: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const m = byName.get(name);
    if (!m) return; // a Depends naming something Debian does not ship: a2enmod would fail too
    if (opts.resolveDepends !== false) for (const d of m.depends) visit(d);
    names.push(name);
  };
  for (const n of wanted) visit(n);
  return { names, loadLines: names.flatMap((n) => byName.get(n)!.loadLines) };
}

// ───────────────────────────────────────────── placeholders ─────────────────────────────────────────────

/**
 * `{{NAME}}` placeholders in `config` and `files`, replaced when the files are written:
 * `{{PORT}}` the port Apache listens on, `{{PORT1}}`…`{{PORTn}}` the `extraPorts`, `{{ROOT}}` the ServerRoot,
 * `{{HTDOCS}}` its DocumentRoot, `{{LOGS}}` its log dir, plus the caller's `vars` (backend ports, URLs).
 * Apache's own `${VAR}` syntax is left alone. An unknown `{{NAME}}` is an error, so a typo cannot reach Apache.
 * Ports are placeholders rather than numbers because the harness may move Apache to another port when the one it
 * picked was taken before Apache could bind it.
 */
export function renderTemplate(text: string, vars: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`unknown placeholder {{${name}}} (known: ${Object.keys(vars).join(', ')})`);
    return String(v);
  });
}

// ───────────────────────────────────────────── the ServerRoot ─────────────────────────────────────────────

export interface ServerRootOptions {
  /** a2enmod names (`['proxy', 'proxy_http']`) or every module Debian ships. Default: none beyond MPM + authz_core. */
  modules?: 'all' | readonly string[];
  /** Load each module's `# Depends:` first (default true). False: exactly the list given, in order. */
  resolveDepends?: boolean;
  mpm?: Mpm;
  /**
   * 'minimal' (default): only what the harness needs. 'debian': also Debian's apache2.conf settings (Timeout 300,
   * KeepAlive, `<Directory>` defaults, `ServerSignature On`, `ServerTokens OS` from conf-enabled/security.conf …)
   * and each loaded module's `mods-available/<name>.conf`, as a packaged server with those modules enabled has.
   */
  profile?: 'minimal' | 'debian';
  /** Appended after the harness's lines (placeholders rendered). */
  config?: string;
  /** Files `Include`d after `config` (absolute, or relative to the ServerRoot). */
  include?: string | readonly string[];
  /** Extra files written into the root, relative path → text (placeholders rendered). */
  files?: Readonly<Record<string, string>>;
  /** Extra `{{NAME}}` values. */
  vars?: Readonly<Record<string, string | number>>;
  /** Port for `{{PORT}}`; a free one by default. Fixing it turns off the harness's retry on a port clash. */
  port?: number;
  /** How many more free ports to reserve as `{{PORT1}}`…; the caller writes their `Listen` lines. */
  extraPorts?: number;
  /** Write `Listen 127.0.0.1:{{PORT}}` (default true). With false, the caller's config must listen on {{PORT}}. */
  listen?: boolean;
  /** `ServerName` written before the caller's config (a later one in `config` wins); false for none. */
  serverName?: string | false;
  logLevel?: string;
}

export interface ServerRoot {
  readonly dir: string;
  readonly confFile: string;
  /** `{{PORT}}`: the port Apache listens on (may change if startApache had to move it). */
  readonly port: number;
  /** `{{PORT}}` then `{{PORT1}}`…. */
  readonly ports: readonly number[];
  readonly url: string;
  readonly modules: readonly string[];
  readonly errorLogFile: string;
  readonly accessLogFile: string;
  /** Render `{{…}}` with this root's values. */
  render(text: string): string;
  /** Absolute path of a file in the root. */
  path(rel: string): string;
  errorLog(): string;
  accessLog(): string;
  /** Stop any server running from this root and delete the directory (kept when APX_KEEP_APACHE_ROOT=1). */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface RootState {
  root: ServerRoot;
  opts: ServerRootOptions;
  ports: number[];
  portFixed: boolean;
  selection: ModuleSelection;
  running: Set<RunningApache>;
  disposed: boolean;
  /** Rewrite apache2.conf and `files` for new port values. */
  write(): void;
}

const roots = new Map<ServerRoot, RootState>();
const live = new Set<LiveProcess>();
const ROOT_PREFIX = 'apx-apache-';

interface LiveProcess {
  pid: number;
  dir: string;
}

const HERE = 'test/support/apache.ts';

function runAs(): { user: string; group: string } {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  // Apache started as root switches its children to User/Group; with no User it uses uid -1 and every child
  // dies with AH02155 while the parent keeps the port open. Not as root, User/Group are ignored.
  if (uid !== 0) return { user: `#${uid}`, group: `#${gid}` };
  const has = (file: string, name: string): boolean => {
    try {
      return readFileSync(file, 'utf8').split('\n').some((l) => l.startsWith(`${name}:`));
    } catch {
      return false;
    }
  };
  const user = has('/etc/passwd', 'www-data') ? 'www-data' : 'nobody';
  const group = has('/etc/group', 'www-data') ? 'www-data' : has('/etc/group', 'nogroup') ? 'nogroup' : 'nobody';
  return { user, group };
}

function q(path: string): string {
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// Debian's default conf-enabled set (what `apt install apache2` enables), read from conf-available so a locally
// edited conf-enabled/ does not leak into tests.
const DEBIAN_CONF_ENABLED = ['charset', 'localized-error-pages', 'other-vhosts-access-log', 'security', 'serve-cgi-bin'];

function baseConfig(dir: string, opts: ServerRootOptions, sel: ModuleSelection): string {
  const { user, group } = runAs();
  const debian = opts.profile === 'debian';
  const L: string[] = [];
  L.push(
    `# Private ServerRoot written by ${HERE}. Debian's envvars names are Defined here (the child gets a clean`,
    `# environment), pointing into this directory, so configs written for a packaged server still work.`,
    `ServerRoot ${q(dir)}`,
    `Define APACHE_RUN_USER ${user}`,
    `Define APACHE_RUN_GROUP ${group}`,
    `Define APACHE_RUN_DIR ${dir}/run`,
    `Define APACHE_PID_FILE ${dir}/run/apache2.pid`,
    `Define APACHE_LOCK_DIR ${dir}/lock`,
    `Define APACHE_LOG_DIR ${dir}/logs`,
    `DefaultRuntimeDir ${q(`${dir}/run`)}`,
    `PidFile ${q(`${dir}/run/apache2.pid`)}`,
    `Mutex file:${dir}/lock default`,
    `ErrorLog ${q(`${dir}/logs/error.log`)}`,
    `LogLevel ${opts.logLevel ?? 'warn'}`,
    `User ${user}`,
    `Group ${group}`,
  );
  if (opts.serverName !== false) L.push(`ServerName ${opts.serverName ?? LOOPBACK}`);
  L.push(`DocumentRoot ${q(`${dir}/htdocs`)}`);
  if (debian) L.push('Timeout 300', 'KeepAlive On', 'MaxKeepAliveRequests 100', 'KeepAliveTimeout 5', 'HostnameLookups Off');
  L.push('', `# Modules: ${sel.names.join(' ')}`, ...sel.loadLines, '');
  // mod_mime fails in post_config without its types file, which `apache2 -t` never notices: the server then
  // refuses to start with AH01597 although configtest said "Syntax OK".
  const types = existsSync('/etc/mime.types') ? '/etc/mime.types' : `${dir}/mime.types`;
  L.push('<IfModule mime_module>', `    TypesConfig ${q(types)}`, '</IfModule>');
  // Debian's apache2.conf access defaults; <Directory /usr/share> is Debian's too (icons, javascript).
  L.push(
    '<Directory />',
    '    Options FollowSymLinks',
    '    AllowOverride None',
    '    Require all denied',
    '</Directory>',
    ...(debian ? ['<Directory /usr/share>', '    AllowOverride None', '    Require all granted', '</Directory>'] : []),
    `<Directory ${q(`${dir}/htdocs`)}>`,
    ...(debian ? ['    Options Indexes FollowSymLinks'] : []),
    '    AllowOverride None',
    '    Require all granted',
    '</Directory>',
    'AccessFileName .htaccess',
    '<FilesMatch "^\\.ht">',
    '    Require all denied',
    '</FilesMatch>',
    // Debian's LogFormat nicknames: without them `CustomLog … combined` logs the literal word "combined".
    'LogFormat "%v:%p %h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" vhost_combined',
    'LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined',
    'LogFormat "%h %l %u %t \\"%r\\" %>s %O" common',
    'LogFormat "%{Referer}i -> %U" referer',
    'LogFormat "%{User-agent}i" agent',
    `CustomLog ${q(`${dir}/logs/access.log`)} combined`,
  );
  if (debian) {
    for (const n of sel.names) {
      const conf = join(DEFAULT_MODS_AVAILABLE, `${n}.conf`);
      if (existsSync(conf)) L.push(`Include ${q(conf)}`);
    }
    const confAvailable = join(dirname(DEFAULT_MODS_AVAILABLE), 'conf-available');
    for (const n of DEBIAN_CONF_ENABLED) L.push(`IncludeOptional ${q(join(confAvailable, `${n}.conf`))}`);
  }
  if (opts.listen !== false) L.push(`Listen ${LOOPBACK}:{{PORT}}`);
  L.push('', '# ─── test config ───', opts.config ?? '');
  const includes = opts.include === undefined ? [] : typeof opts.include === 'string' ? [opts.include] : opts.include;
  for (const inc of includes) L.push(`Include ${q(inc)}`);
  return `${L.join('\n')}\n`;
}

function safeRelative(dir: string, rel: string): string {
  const n = normalize(rel);
  if (isAbsolute(n) || n === '..' || n.startsWith(`..${sep}`)) throw new Error(`files: "${rel}" is not a path inside the ServerRoot`);
  return join(dir, n);
}

/** Build a private ServerRoot under os.tmpdir(). Call `dispose()` (or `disposeAllApache()` in afterAll). */
export async function createServerRoot(opts: ServerRootOptions = {}): Promise<ServerRoot> {
  installExitHook();
  sweepStaleRoots();
  // startApache knows the server is up when its PidFile names it; a PidFile elsewhere would leave it waiting.
  if (/^\s*PidFile\s/im.test(opts.config ?? '')) throw new Error('config: PidFile is the harness\'s (it waits for it); leave it out');
  const selection = selectModules(opts.modules ?? [], { resolveDepends: opts.resolveDepends, mpm: opts.mpm });
  const ports = [opts.port ?? (await freePort())];
  for (let i = 0; i < (opts.extraPorts ?? 0); i++) ports.push(await freePort());

  const dir = mkdtempSync(join(tmpdir(), ROOT_PREFIX));
  // mkdtemp makes the dir 0700; Apache's children run as www-data and could not reach anything inside it (a
  // DocumentRoot here would answer 403 "search permissions are missing on a component of the path").
  chmodSync(dir, 0o755);
  for (const d of ['run', 'lock', 'logs', 'htdocs']) mkdirSync(join(dir, d), { mode: 0o755 });
  writeFileSync(join(dir, '.owner'), `${process.pid}\n`);
  if (!existsSync('/etc/mime.types')) writeFileSync(join(dir, 'mime.types'), '');
  const confFile = join(dir, 'apache2.conf');
  const template = baseConfig(dir, opts, selection);

  const state: RootState = {
    root: undefined as unknown as ServerRoot,
    opts,
    ports,
    portFixed: opts.port !== undefined,
    selection,
    running: new Set(),
    disposed: false,
    write: () => {
      for (const [rel, text] of Object.entries(opts.files ?? {})) {
        const p = safeRelative(dir, rel);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, root.render(text));
      }
      writeFileSync(confFile, root.render(template));
    },
  };
  const read = (p: string): string => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return '';
    }
  };
  const root: ServerRoot = {
    dir,
    confFile,
    get port() {
      return state.ports[0]!;
    },
    get ports() {
      return [...state.ports];
    },
    get url() {
      return `http://${LOOPBACK}:${state.ports[0]}`;
    },
    modules: selection.names,
    errorLogFile: join(dir, 'logs', 'error.log'),
    accessLogFile: join(dir, 'logs', 'access.log'),
    render: (text) => {
      const vars: Record<string, string | number> = {
        ...(opts.vars ?? {}),
        PORT: state.ports[0]!,
        ROOT: dir,
        HTDOCS: join(dir, 'htdocs'),
        LOGS: join(dir, 'logs'),
      };
      state.ports.slice(1).forEach((p, i) => (vars[`PORT${i + 1}`] = p));
      return renderTemplate(text, vars);
    },
    path: (rel) => safeRelative(dir, rel),
    errorLog: () => read(join(dir, 'logs', 'error.log')),
    accessLog: () => read(join(dir, 'logs', 'access.log')),
    dispose: async () => {
      if (state.disposed) return;
      state.disposed = true;
      await Promise.all([...state.running].map((r) => r.stop()));
      roots.delete(root);
      if (process.env['APX_KEEP_APACHE_ROOT'] !== '1') await rm(dir, { recursive: true, force: true });
    },
    [Symbol.asyncDispose]: () => root.dispose(),
  };
  state.root = root;
  roots.set(root, state);
  try {
    state.write();
  } catch (e) {
    await root.dispose();
    throw e;
  }
  return root;
}

/** Stop every server and remove every root this process created: `afterAll(disposeAllApache)`. */
export async function disposeAllApache(): Promise<void> {
  await Promise.all([...roots.keys()].map((r) => r.dispose()));
}

// ───────────────────────────────────────────── running apache2 ─────────────────────────────────────────────

/** Everything the child sees: no APACHE_* variables from the caller's shell, no proxies, C locale. */
function cleanEnv(): NodeJS.ProcessEnv {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };
}

export interface ApacheRun {
  ok: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order. */
  output: string;
}

export class ApacheError extends Error {
  constructor(
    message: string,
    readonly output: string,
    readonly errorLog: string = '',
  ) {
    super(message);
    this.name = 'ApacheError';
  }
}

function requireBinary(): string {
  const bin = apacheBinary();
  if (!bin) throw new Error(apacheSkipReason());
  return bin;
}

function stateOf(root: ServerRoot): RootState {
  const s = roots.get(root);
  if (!s) throw new Error('this ServerRoot was disposed or not made by createServerRoot');
  return s;
}

function defineArgs(defines: readonly string[] | undefined): string[] {
  return (defines ?? []).flatMap((d) => ['-D', d]);
}

/**
 * Run apache2 on a Debian-layout tree copied to `dir` (its apache2.conf and envvars at the top) the way
 * apache2ctl does: source envvars, then exec the binary. Run, lock, pid and log paths point inside the copy, so
 * nothing touches /var. Synchronous: for `-t`, `-S`, `-M`, `-D DUMP_INCLUDES`.
 */
export function runApacheInDebianTree(dir: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const script = `. ./envvars; export APACHE_RUN_DIR="${dir}/run" APACHE_PID_FILE="${dir}/run/apache2.pid" APACHE_LOCK_DIR="${dir}/run" APACHE_LOG_DIR="${dir}"; exec "$0" "$@"`;
  const binary = apacheBinary();
  if (!binary) throw new Error(apacheSkipReason());
  const r = spawnSync('/bin/sh', ['-c', script, binary, '-d', dir, '-f', join(dir, 'apache2.conf'), ...args], {
    cwd: dir,
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run `apache2 -f <root>/apache2.conf <args>` to completion (never a server: use startApache for that). */
export function runApache(root: ServerRoot, args: readonly string[], timeoutMs = 30_000): Promise<ApacheRun> {
  stateOf(root);
  const bin = requireBinary();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['-d', root.dir, '-f', root.confFile, ...args], {
      cwd: root.dir,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => ((stdout += d), (output += d)));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => ((stderr += d), (output += d)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ ok: exitCode === 0 && !timedOut, exitCode, signal, timedOut, stdout, stderr, output });
    });
  });
}

export interface RunOptions {
  /** `-D NAME` for each. */
  defines?: readonly string[];
  timeoutMs?: number;
}

/**
 * `apache2 -t`: what `apachectl configtest` says. It reads the config and runs no post_config hooks, so a config
 * it accepts can still fail to start (mod_mime's types file, bind errors, lbmethod/slotmem providers).
 */
export function configTest(root: ServerRoot, opts: RunOptions = {}): Promise<ApacheRun> {
  return runApache(root, ['-t', ...defineArgs(opts.defines)], opts.timeoutMs);
}

async function dump(root: ServerRoot, args: string[], opts: RunOptions): Promise<string> {
  const r = await runApache(root, [...args, ...defineArgs(opts.defines)], opts.timeoutMs);
  if (!r.ok) throw new ApacheError(`apache2 ${args.join(' ')} failed (exit ${r.exitCode}):\n${r.output}`, r.output);
  return r.stdout;
}

/** `apache2 -S` (DUMP_VHOSTS + DUMP_RUN_CFG): vhosts by address, ServerRoot, DocumentRoot, User, Defines… */
export const dumpVhosts = (root: ServerRoot, opts: RunOptions = {}): Promise<string> => dump(root, ['-S'], opts);
/** `apache2 -M`: "Loaded Modules:" then ` name_module (static|shared)` per line. */
export const dumpModules = (root: ServerRoot, opts: RunOptions = {}): Promise<string> => dump(root, ['-M'], opts);
/** `apache2 -t -D DUMP_INCLUDES`: every file read, in order, with the line of the Include that pulled it in. */
export const dumpIncludes = (root: ServerRoot, opts: RunOptions = {}): Promise<string> =>
  dump(root, ['-t', '-D', 'DUMP_INCLUDES'], opts);
/** `apache2 -t -D DUMP_RUN_CFG`. */
export const dumpRunCfg = (root: ServerRoot, opts: RunOptions = {}): Promise<string> =>
  dump(root, ['-t', '-D', 'DUMP_RUN_CFG'], opts);

/** Module symbols from `dumpModules` output: `[{ name: 'proxy_module', kind: 'shared' }, …]`. */
export function parseDumpModules(text: string): { name: string; kind: 'static' | 'shared' }[] {
  const out: { name: string; kind: 'static' | 'shared' }[] = [];
  for (const m of text.matchAll(/^\s*(\w+)\s+\((static|shared)\)\s*$/gm)) out.push({ name: m[1]!, kind: m[2] as 'static' | 'shared' });
  return out;
}

export interface StartOptions extends RunOptions {
  /** Move `{{PORT}}` to this port (rewrites the config) and never retry on another. */
  port?: number;
  /** Give up on start-up after this long (default 10 s; Apache is normally up in well under 1 s). */
  timeoutMs?: number;
}

export interface StopOptions {
  /** `-k graceful-stop` (SIGWINCH): finish in-flight requests. Default: SIGTERM. */
  graceful?: boolean;
  /**
   * Then SIGKILL the whole process group. Default 3 s (30 s when graceful). An idle server stops in ~30 ms, but
   * after SIGTERM a child whose worker is blocked reading a slow backend waits for that backend (Apache escalates
   * to SIGKILL only after ~9 s, server/mpm_common.c ap_reclaim_child_processes), so a timeout test would stall.
   */
  timeoutMs?: number;
}

export interface RunningApache {
  readonly pid: number;
  readonly port: number;
  readonly ports: readonly number[];
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly root: ServerRoot;
  /** Resolves when the parent process has exited (the children are gone by then, see stop()). */
  readonly exited: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
  /** What the parent printed on stdout/stderr (before ErrorLog is open, startup errors go there). */
  output(): string;
  errorLog(): string;
  accessLog(): string;
  /** Poll a log until `pattern` appears (the access log line is written after the client has its response). */
  waitForLog(which: 'error' | 'access', pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  stop(opts?: StopOptions): Promise<void>;
}

export class ApacheStartError extends ApacheError {
  override name = 'ApacheStartError';
}

let setprivCache: string | null | undefined;
/**
 * util-linux's setpriv with `--pdeathsig`: the kernel sends apache2 SIGTERM when the test process dies, even by
 * SIGKILL, so no server outlives a crashed vitest worker. (process.on('exit') covers ordinary exits.)
 */
function setpriv(): string | null {
  if (setprivCache !== undefined) return setprivCache;
  setprivCache = null;
  if (process.platform !== 'linux') return null;
  for (const p of ['/usr/bin/setpriv', '/bin/setpriv']) {
    if (!existsSync(p)) continue;
    const r = spawnSync(p, ['--pdeathsig', 'TERM', 'true'], { stdio: 'ignore', timeout: 5_000 });
    if (r.status === 0) setprivCache = p;
    break;
  }
  return setprivCache;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tail(text: string, max = 6_000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

// Apache's messages when a Listen address cannot be bound (server/listen.c: make_sock, AH00072/AH00076).
const BIND_FAILED = /AH00072|could not bind to address|Address already in use/;

/**
 * Start `apache2 -DFOREGROUND` from this root and wait until it serves `{{PORT}}`: its PidFile names it (written
 * only after every Listen is bound) and the port accepts a connection. If Apache exits first, the error says why,
 * with its output and error log. If the port the harness picked was taken meanwhile, it moves to another and retries.
 */
export async function startApache(root: ServerRoot, opts: StartOptions = {}): Promise<RunningApache> {
  const state = stateOf(root);
  const bin = requireBinary();
  if (state.running.size > 0) throw new Error(`an Apache is already running from ${root.dir}`);
  if (opts.port !== undefined && opts.port !== root.port) {
    state.ports[0] = opts.port;
    state.write();
  }
  const retryPorts = !state.portFixed && opts.port === undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(state, bin, opts);
    } catch (e) {
      if (!(e instanceof ApacheStartError) || !retryPorts || attempt >= 4 || !BIND_FAILED.test(`${e.output}\n${e.errorLog}`)) throw e;
      state.ports[0] = await freePort();
      for (let i = 1; i < state.ports.length; i++) state.ports[i] = await freePort();
      rmSync(root.errorLogFile, { force: true });
      state.write();
    }
  }
}

async function startOnce(state: RootState, bin: string, opts: StartOptions): Promise<RunningApache> {
  const root = state.root;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const pidFile = join(root.dir, 'run', 'apache2.pid');
  rmSync(pidFile, { force: true });
  const logStart = root.errorLog().length;
  const args = ['-DFOREGROUND', '-d', root.dir, '-f', root.confFile, ...defineArgs(opts.defines)];
  const sp = setpriv();
  // detached: apache2 leads its own process group, so stop() can SIGKILL parent and children together as a last
  // resort. In FOREGROUND mode Apache does not setsid() itself.
  const child: ChildProcess = spawn(sp ?? bin, sp ? ['--pdeathsig', 'TERM', bin, ...args] : args, {
    cwd: root.dir,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  // A server a test forgot to stop must not keep the worker alive; the exit hook and pdeathsig end it.
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();

  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (exitCode, signal) => resolve({ exitCode, signal })),
  );
  const pid = child.pid;
  if (pid === undefined) {
    await spawnError;
    throw new Error('unreachable');
  }
  const proc: LiveProcess = { pid, dir: root.dir };
  live.add(proc);
  let done = false;
  void exited.then(() => {
    done = true;
    live.delete(proc);
  });

  const failure = (why: string): ApacheStartError => {
    const log = root.errorLog().slice(logStart);
    return new ApacheStartError(
      `Apache ${why}\n  config: ${root.confFile}\n  output:\n${indent(tail(output)) || '    (none)'}\n  error log:\n${indent(tail(log)) || '    (empty)'}`,
      output,
      log,
    );
  };

  const abort = new AbortController();
  const ready = (async () => {
    const deadline = Date.now() + timeoutMs;
    while (!done) {
      let named = '';
      try {
        named = readFileSync(pidFile, 'utf8').trim();
      } catch {
        /* not yet */
      }
      if (named === String(pid)) break;
      if (Date.now() > deadline) throw new Error('timeout');
      await sleep(10);
    }
    if (done) return;
    await waitForPort(root.port, Math.max(100, deadline - Date.now()), { signal: abort.signal });
  })();

  try {
    const outcome = await Promise.race([
      ready.then(() => 'ready' as const),
      exited.then(() => 'exited' as const),
      spawnError,
    ]);
    if (outcome === 'exited' || done) {
      const { exitCode, signal } = await exited;
      await sleep(20); // let the last stderr bytes arrive
      throw failure(`exited during start-up (exit ${exitCode}${signal ? `, ${signal}` : ''})`);
    }
  } catch (e) {
    abort.abort();
    await killTree(pid, exited, 2_000);
    if (e instanceof ApacheStartError) throw e;
    throw failure(`did not start within ${timeoutMs} ms (${(e as Error).message})`);
  }

  const running: RunningApache = {
    pid,
    port: root.port,
    ports: root.ports,
    url: root.url,
    root,
    exited,
    output: () => output,
    errorLog: () => root.errorLog(),
    accessLog: () => root.accessLog(),
    waitForLog: async (which, pattern, wait = 3_000) => {
      const deadline = Date.now() + wait;
      const test = (t: string): boolean => (typeof pattern === 'string' ? t.includes(pattern) : pattern.test(t));
      for (;;) {
        const text = which === 'error' ? root.errorLog() : root.accessLog();
        if (test(text)) return text;
        if (Date.now() > deadline) throw new Error(`${which} log of ${root.dir} has no ${String(pattern)} after ${wait} ms:\n${tail(text, 2_000)}`);
        await sleep(20);
      }
    },
    stop: async (stopOpts: StopOptions = {}) => {
      try {
        if (!done) {
          try {
            process.kill(pid, stopOpts.graceful ? 'SIGWINCH' : 'SIGTERM');
          } catch {
            /* already gone */
          }
        }
        await killTree(pid, exited, stopOpts.timeoutMs ?? (stopOpts.graceful ? 30_000 : 3_000));
      } finally {
        state.running.delete(running);
      }
    },
  };
  state.running.add(running);
  return running;
}

function indent(text: string): string {
  return text
    .split('\n')
    .filter((l, i, a) => l !== '' || i < a.length - 1)
    .map((l) => `    ${l}`)
    .join('\n');
}

/**
 * Wait for the parent to exit (after SIGTERM it reaps its children first); past the deadline, or if anything of its
 * process group is left, SIGKILL the group. A timer is pending throughout, so the wait holds the event loop open
 * even though the child handle is unref'd.
 */
async function killTree(pid: number, exited: Promise<unknown>, timeoutMs: number): Promise<void> {
  const timedOut = !(await settlesWithin(exited, timeoutMs));
  if (timedOut || processGroupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    await settlesWithin(exited, 2_000);
    for (let i = 0; i < 100 && processGroupAlive(pid); i++) await sleep(20);
  }
}

/** True if `p` settles within `ms`. The timer is cleared either way, so it never holds the process open. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether any live process is left in process group `pgid`. Zombies do not count: children orphaned by a killed
 * apache2 parent wait for PID 1 to reap them, and in a container PID 1 may be slow to, or never, do so.
 */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return true;
  }
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z' && f[0] !== 'X') return true;
    } catch {
      /* exited meanwhile */
    }
  }
  return false;
}

// ───────────────────────────────────────────── process-wide cleanup ─────────────────────────────────────────────

let hookInstalled = false;
function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  // Synchronous: SIGTERM lets each apache2 parent stop its own children after we are gone.
  const cleanup = (): void => {
    for (const p of live) {
      try {
        process.kill(p.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    live.clear();
    if (process.env['APX_KEEP_APACHE_ROOT'] === '1') return;
    for (const r of roots.keys()) rmSync(r.dir, { recursive: true, force: true });
    roots.clear();
  };
  process.on('exit', cleanup);
  // vitest ends its fork workers with SIGTERM, which skips 'exit'. Clean up, then die of the signal as we would
  // have without this listener, unless someone else also listens (then the signal is theirs to handle).
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      cleanup();
      for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.removeListener(s, signalHandlers[s]!);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    signalHandlers[sig] = onSignal;
    process.on(sig, onSignal);
  }
}
const signalHandlers: Partial<Record<NodeJS.Signals, () => void>> = {};

let swept = false;
/**
 * Remove roots left by test processes that died without their exit hook (SIGKILL, OOM). A root is stale when the
 * pid in its `.owner` is gone; an apache2 still running from it (possible only without setpriv) is stopped, after
 * checking /proc that its command line names that very root.
 */
function sweepStaleRoots(): void {
  if (swept) return;
  swept = true;
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((e) => e.startsWith(ROOT_PREFIX));
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = join(tmpdir(), e);
    try {
      const owner = Number(readFileSync(join(dir, '.owner'), 'utf8').trim());
      if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) continue;
      const pid = Number(readFileSync(join(dir, 'run', 'apache2.pid'), 'utf8').trim() || '0');
      if (pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) process.kill(pid, 'SIGTERM');
    } catch {
      /* no owner file (not ours, or still being created), no pid file, or no such process */
      if (!existsSync(join(dir, '.owner'))) continue;
    }
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* another user's root: theirs to sweep */
    }
  }
}
