/**
 * `apx serve FILE|model.json|-`: load → lint → compile → run the bundled reverse proxy, until SIGTERM/SIGINT.
 *
 * Lint errors stop it before anything listens (the same diagnostics `apx lint` prints); warnings are printed
 * and it starts. A `.json` file, or JSON on standard input, is a ProxyModel (`apx to-json` output) and skips
 * straight to the runtime. Exit codes: 0 stopped by a signal, 1 the config has errors (or, with --workers, the
 * workers kept crashing), 2 usage errors and addresses that cannot be bound (EADDRINUSE/EACCES, with a `--listen`
 * hint). SIGHUP re-reads the file (a graceful reload, --workers included).
 */
import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Argv } from 'yargs';
import { isError } from '../diagnostic.js';
import { readModelJson } from '../model/index.js';
import { prepare } from '../pipeline/prepare.js';
import type { ProxyModel, VirtualHost } from '../model/types.js';
import { newTicketKeys, startProxy, ListenError, StartupError, type BoundAddress, type ListenOverride, type ReloadableProxy, type RunningProxy, type ServeOptions } from '../runtime/index.js';
import { acceptDescriptors } from '../runtime/accept.js';
import { AppendFile } from '../runtime/append-file.js';
import { isSessionRequest, RemoteSessionStore, serveSessionRequest, sessionStoreForModel, wantsSessionCache, type SessionRequest, type SessionStore } from '../runtime/tls-session-cache.js';
import { RESTART_LIMIT, RestartLimiter, workerExecArgv } from '../runtime/cluster.js';
import { pinListenPorts } from '../runtime/listeners.js';
import { a2enmodHint } from '../directives/index.js';
import { readInput, STDIN_ARG, STDIN_NAME, type Streams, UsageError } from './io.js';
import { loadOptionsFrom, withLoadOptions, type LoadArgs } from './load-options.js';
import { formatDiagnosticsText } from './report.js';
import type { ApxCommand } from './command.js';
import { SERVE } from './specs.js';

// ───────────────────────────────────────────── --listen ─────────────────────────────────────────────

/**
 * `--listen [PORT=]HOST:PORT`. `127.0.0.1:8000` serves every listener of the config there (a lone vhost file
 * has one, `*:80`); `80=127.0.0.1:8000` moves only the config's port-80 listener. HOST may be `[v6]`; a bare
 * `PORT` (or `:PORT`) means every address, as `Listen 8000` does. PORT 0 takes any free port.
 */
export function parseListen(spec: string): ListenOverride {
  const bad = (why: string): UsageError =>
    new UsageError(`--listen ${JSON.stringify(spec)}: ${why} (expected [PORT=]HOST:PORT, e.g. 127.0.0.1:8000 or 80=127.0.0.1:8000)`);
  let rest = spec.trim();
  let port: number | null = null;
  const eq = rest.indexOf('=');
  if (eq >= 0) {
    const from = rest.slice(0, eq);
    if (!/^\d{1,5}$/.test(from) || Number(from) < 1 || Number(from) > 65535) throw bad(`"${from}" is not a port the config could listen on`);
    port = Number(from);
    rest = rest.slice(eq + 1);
  }
  let host: string;
  let portText: string;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(rest);
  if (v6) {
    host = v6[1]!;
    portText = v6[2]!;
  } else if (/^:?\d+$/.test(rest)) {
    host = '0.0.0.0';
    portText = rest.replace(/^:/, '');
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon <= 0) throw bad('no port');
    host = rest.slice(0, colon);
    portText = rest.slice(colon + 1);
    if (host.includes(':')) throw bad('write an IPv6 address in brackets, [::1]:8000');
    if (host === '*') host = '0.0.0.0';
    if (!/^[A-Za-z0-9.-]+$/.test(host)) throw bad(`"${host}" is not a host name or address`);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw bad(`"${portText}" is not a port number (0–65535; 0 = any free port)`);
  return { port, host, listenPort: Number(portText) };
}

/** The ports the config listens on: its Listen lines, else (a vhost file compiled alone) its vhosts' ports. */
export function listenerPorts(model: ProxyModel): number[] {
  const ports = new Set(model.listeners.map((l) => l.port));
  if (ports.size === 0) for (const v of model.virtualHosts) for (const a of v.addresses) if (a.port !== null) ports.add(a.port);
  return [...ports].sort((a, b) => a - b);
}

/** Every override makes sense for this model: mapped ports exist, no port is mapped twice. */
export function checkListenOverrides(overrides: readonly ListenOverride[], model: ProxyModel): void {
  const ports = listenerPorts(model);
  const seen = new Set<number>();
  for (const o of overrides) {
    if (o.port === null) continue;
    if (!ports.includes(o.port)) {
      throw new UsageError(
        `--listen ${o.port}=…: the config has no listener on port ${o.port}` +
          (ports.length ? ` (it listens on ${ports.join(', ')})` : ' (it has no Listen directive)'),
      );
    }
    if (seen.has(o.port)) throw new UsageError(`--listen ${o.port}=… is given twice`);
    seen.add(o.port);
  }
  if (overrides.some((o) => o.port === null) && overrides.some((o) => o.port !== null)) {
    throw new UsageError('--listen HOST:PORT (every listener) cannot be combined with PORT=HOST:PORT (one listener); give each listener its PORT=');
  }
}

// ───────────────────────────────────────────── modules of a lone file ─────────────────────────────────────────────

// ───────────────────────────────────────────── config → model ─────────────────────────────────────────────

export type Prepared =
  | { readonly ok: true; readonly model: ProxyModel; readonly name: string }
  | { readonly ok: false; readonly exitCode: number };

/**
 * Load, lint and compile a config the way `apx serve` does (src/pipeline's prepare), printing diagnostics on
 * `io.stderr`. A lone file with no --modules is read with the modules it needs loaded (deviation lone-file-modules).
 */
export function prepareConfig(file: string, text: string, args: LoadArgs, io: Streams): Prepared {
  const r = prepare({ file, text }, loadOptionsFrom(args));
  if (r.assumedModules.length > 0) {
    const assumed = [...r.assumedModules];
    io.stderr.write(
      `apx: ${file} is read alone, as part of a default Debian install; serving it as if \`${a2enmodHint(assumed) ?? `a2enmod ${assumed.join(' ')}`}\` ` +
        `had been run (--modules sets the loaded modules exactly)\n`,
    );
  }
  io.stderr.write(formatDiagnosticsText(r.diagnostics));
  if (r.failedAt === 'lint') {
    const errors = r.diagnostics.filter(isError).length;
    io.stderr.write(`apx: not serving ${file}: ${errors} error${errors === 1 ? '' : 's'} above\n`);
    return { ok: false, exitCode: 1 };
  }
  if (r.model === null) {
    io.stderr.write(`apx: not serving ${file}: the config could not be turned into a proxy model\n`);
    return { ok: false, exitCode: 1 };
  }
  return { ok: true, model: r.model, name: file };
}

/** A ProxyModel given as JSON (`apx to-json` output): validated against the model schema before anything runs. */
export function prepareModelJson(file: string, text: string, io: Streams): Prepared {
  const r = readModelJson(text);
  if ('errors' in r) {
    // One line per schema error, pointing into the JSON with its pointer path, like any other diagnostic.
    for (const e of r.errors.slice(0, 20)) io.stderr.write(`${file}: error: ${e.path || '/'}: ${e.message}\n`);
    if (r.errors.length > 20) io.stderr.write(`${file}: … and ${r.errors.length - 20} more\n`);
    io.stderr.write(`apx: not serving ${file}: not a valid apx model (write one with \`apx to-json FILE\`)\n`);
    return { ok: false, exitCode: 1 };
  }
  return { ok: true, model: r.model, name: file };
}

function looksLikeJson(file: string, text: string): boolean {
  if (/\.json$/i.test(file)) return true;
  return file === STDIN_NAME && text.trimStart().startsWith('{');
}

// ───────────────────────────────────────────── running ─────────────────────────────────────────────

/** Streams plus a way for callers that embed the CLI (tests) to stop a running server without a signal. */
export interface ServeStreams extends Streams {
  readonly signal?: AbortSignal;
}

function vhostAddressText(v: VirtualHost): string {
  return v.addresses.map((a) => (a.isDefault ? '_default_' : (a.host ?? '*')) + (a.port === null ? ':*' : `:${a.port}`)).join(' ');
}

/** `(vhost *:80)`, `(vhosts *:80 a.example, *:80 b.example)`, `(main server)`: what answers on this address. */
export function describeAddress(model: ProxyModel, a: BoundAddress): string {
  const listener = model.listeners.find((l) => l.port === a.servesPort);
  // No Listen in the model: the runtime listens on the vhosts' own ports, so the vhosts are those taking this port.
  const indices = listener
    ? listener.virtualHosts
    : model.virtualHosts.flatMap((v, i) => (v.addresses.some((x) => x.port === null || x.port === a.servesPort) ? [i] : []));
  const vhosts = indices.map((i) => model.virtualHosts[i]).filter((v): v is VirtualHost => v !== undefined);
  if (vhosts.length === 0) return '(main server)';
  const named = vhosts.length > 1 || vhosts.some((v) => v.nameBased);
  const one = (v: VirtualHost): string => `${vhostAddressText(v)}${named && v.serverName ? ` ${v.serverName}` : ''}`;
  return `(vhost${vhosts.length > 1 ? 's' : ''} ${vhosts.map(one).join(', ')})`;
}

/** Resolves with the name of the first SIGTERM/SIGINT (or 'abort'); a second signal exits at once. */
function waitForStop(signal: AbortSignal | undefined, io: Streams): { promise: Promise<string>; dispose(): void } {
  let count = 0;
  let resolve!: (how: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  const onSignal = (name: NodeJS.Signals): void => {
    count++;
    if (count === 1) return resolve(name);
    io.stderr.write(`apx: ${name} again: exiting without waiting for open requests\n`);
    process.exit(130);
  };
  const onAbort = (): void => resolve('abort');
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  if (signal?.aborted) resolve('abort');
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    promise,
    dispose: () => {
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** The one-line ListenError message: what could not be bound and the flag that fixes it. */
export function listenFailure(err: ListenError, suggestion: string): string {
  const what = `${err.host.includes(':') ? `[${err.host}]` : err.host}:${err.port}`;
  const why =
    err.code === 'EADDRINUSE'
      ? 'the address is already in use'
      : err.code === 'EACCES'
        ? `permission denied${err.port < 1024 ? ' (ports below 1024 need root)' : ''}`
        : err.message;
  return `apx: cannot listen on ${what}: ${why}; ${suggestion}\n`;
}

export interface RunModelOptions extends ServeOptions {
  /** Printed before each URL: `apx serving 000-default.conf`. */
  readonly banner: string;
  /** What to suggest when an address cannot be bound. */
  readonly listenHint: string;
  /** Called once the proxy listens (the demo prints its backends here). */
  readonly onStarted?: (proxy: RunningProxy) => void;
  /**
   * SIGHUP: read the config again (printing its diagnostics); null when it has errors. Without it SIGHUP is not
   * handled here.
   */
  readonly reread?: () => Promise<ProxyModel | null>;
}

/**
 * SIGHUP (httpd's graceful restart): re-read the config and reload the running proxy; on any error the running
 * config stays and the errors are logged. Reloads run one at a time; a SIGHUP during one is taken after it.
 */
interface Reloader {
  /** Resolves with null when the new model serves, else with why it was refused (the old one keeps serving). */
  reload(model: ProxyModel): Promise<string | null>;
  /** Who was reloaded, for the log line: `2 workers`; absent for one process. */
  describe?(): string;
}

/** A single process's reloader: the proxy's own reload(); a refusal rejects with a StartupError and its hint. */
function proxyReloader(proxy: ReloadableProxy): Reloader {
  return {
    reload: (model) =>
      proxy.reload(model).then(
        () => null,
        (err: unknown) => `${err instanceof Error ? err.message : String(err)}${err instanceof StartupError && err.hint ? ` (${err.hint})` : ''}`,
      ),
  };
}

function onHangup(proxy: Reloader, reread: () => Promise<ProxyModel | null>, io: Streams): () => void {
  let chain: Promise<void> = Promise.resolve();
  const reload = async (): Promise<void> => {
    io.stderr.write('apx: SIGHUP: re-reading the config\n');
    try {
      const next = await reread();
      if (next === null) return void io.stderr.write('apx: SIGHUP: the config has errors (above); still serving the previous one\n');
      const refused = await proxy.reload(next);
      if (refused !== null) return void io.stderr.write(`apx: SIGHUP: ${refused}; still serving the previous config\n`);
      const who = proxy.describe ? ` ${proxy.describe()}` : '';
      io.stderr.write(`apx: SIGHUP: reloaded${who}; new connections use the new config, open requests finish on the old one\n`);
    } catch (err) {
      const hint = err instanceof StartupError && err.hint ? ` (${err.hint})` : '';
      io.stderr.write(`apx: SIGHUP: ${err instanceof Error ? err.message : String(err)}${hint}; still serving the previous config\n`);
    }
  };
  const handler = (): void => {
    chain = chain.then(reload);
  };
  process.on('SIGHUP', handler);
  return () => process.removeListener('SIGHUP', handler);
}

/** Start the proxy, print where it listens, wait for SIGTERM/SIGINT (or io.signal), close gracefully. */
export async function runModel(model: ProxyModel, options: RunModelOptions, io: ServeStreams): Promise<number> {
  const stop = waitForStop(io.signal, io);
  try {
    let proxy: ReloadableProxy;
    try {
      proxy = await startProxy(model, options);
    } catch (err) {
      if (err instanceof ListenError) {
        io.stderr.write(listenFailure(err, options.listenHint));
        return 2;
      }
      if (err instanceof StartupError) {
        io.stderr.write(`apx: ${err.message}\n${err.hint ? `  fix: ${err.hint}\n` : ''}`);
        return 1;
      }
      throw err;
    }
    for (const a of proxy.addresses) io.stdout.write(`${options.banner} on ${a.url.endsWith('/') ? a.url : `${a.url}/`} ${describeAddress(model, a)}\n`);
    options.onStarted?.(proxy);
    const unhook = options.reread ? onHangup(proxyReloader(proxy), options.reread, io) : () => {};
    const how = await stop.promise;
    unhook();
    if (how !== 'abort') io.stderr.write(`apx: ${how}: finishing open requests, then exiting\n`);
    await proxy.close();
    return 0;
  } finally {
    stop.dispose();
  }
}

function accessLogStream(target: string | undefined, io: Streams): NodeJS.WritableStream | null | undefined {
  if (target === undefined) return undefined;
  // main() hands yargs a placeholder for every lone `-` (it would read it as a flag); here it means stdout.
  if (target === '-' || target === STDIN_ARG) return io.stdout;
  if (target === 'off') return null;
  const s = new AppendFile(target);
  s.on('error', (err) => io.stderr.write(`apx: access log ${target}: ${err.message}\n`));
  return s;
}

// ───────────────────────────────────────────── --workers (node:cluster) ─────────────────────────────────────────────

/**
 * `--workers N`: N processes share the listening sockets (node:cluster). The primary does everything that prints
 * — load, lint, compile, the start-up lines — once, then hands each worker the compiled model over IPC; workers
 * only run startProxy(). Each worker keeps its own balancer state, as each Apache child would without
 * mod_slotmem_shm: byrequests alternates per worker, not globally (docs/deviations.md, "workers").
 */
type ToWorker =
  | {
      readonly type: 'apx-serve';
      readonly model: ProxyModel;
      readonly listen: readonly ListenOverride[];
      readonly accessLog: string | null;
      /** base64 of the TLS session ticket keys every worker shares (ServeOptions.ticketKeys). */
      readonly ticketKeys: string;
    }
  | { readonly type: 'apx-reload'; readonly id: number; readonly model: ProxyModel }
  | { readonly type: 'apx-stop' }
  | { readonly type: 'apx-accept'; readonly index: number };
type FromWorker =
  | { readonly type: 'apx-duplicate'; readonly index: number }
  | { readonly type: 'apx-reloaded'; readonly id: number }
  | { readonly type: 'apx-reload-failed'; readonly id: number; readonly message: string }
  | { readonly type: 'apx-ready' }
  | { readonly type: 'apx-listening'; readonly addresses: readonly BoundAddress[] }
  | { readonly type: 'apx-listen-error'; readonly message: string; readonly code: string; readonly host: string; readonly port: number }
  | { readonly type: 'apx-failed'; readonly message: string; readonly hint: string | null; readonly startupError: boolean };

const WORKER_ENV = 'APX_SERVE_WORKER';

/** True in a process the primary forked for `--workers`. */
export function isServeWorker(): boolean {
  return cluster.isWorker && process.env[WORKER_ENV] === '1';
}

/** A forked worker: wait for the model, serve it, stop when the primary says so. Returns the exit code. */
async function runAsWorker(io: Streams): Promise<number> {
  const send = (m: FromWorker): void => void process.send?.(m);
  // Listen for the stop order from the very start: it can come while this worker is still starting up.
  const stopped = new Promise<void>((resolve) => {
    process.on('message', (m: ToWorker) => m?.type === 'apx-stop' && resolve());
    process.once('SIGTERM', () => resolve());
    // The primary is gone (killed): do not outlive it.
    process.once('disconnect', () => resolve());
  });
  // Ctrl-C (and a terminal's hang-up) reach every process of the group; the primary decides when workers stop or
  // reload.
  const ignore = (): void => {};
  process.on('SIGINT', ignore);
  process.on('SIGHUP', ignore);
  // SIGHUP in the primary: it sends the new model; reloads run one at a time, and one that arrives while this
  // worker is still starting is applied once it serves.
  let proxy: ReloadableProxy | null = null;
  let stopDuplicates = (): void => {};
  let stopSessions = (): void => {};
  const early: Extract<ToWorker, { type: 'apx-reload' }>[] = [];
  let reloads: Promise<void> = Promise.resolve();
  const reload = (m: Extract<ToWorker, { type: 'apx-reload' }>, to: ReloadableProxy): void => {
    reloads = reloads.then(() =>
      to.reload(m.model).then(
        () => send({ type: 'apx-reloaded', id: m.id }),
        (err: unknown) => {
          const hint = err instanceof StartupError && err.hint ? ` (${err.hint})` : '';
          send({ type: 'apx-reload-failed', id: m.id, message: `${err instanceof Error ? err.message : String(err)}${hint}` });
        },
      ),
    );
  };
  const onReload = (m: ToWorker): void => {
    if (m?.type !== 'apx-reload') return;
    if (proxy) reload(m, proxy);
    else early.push(m);
  };
  process.on('message', onReload);
  const job = await Promise.race([
    stopped.then(() => null),
    new Promise<Extract<ToWorker, { type: 'apx-serve' }>>((resolve) => {
      const on = (m: ToWorker): void => {
        if (m?.type === 'apx-serve') {
          process.removeListener('message', on);
          resolve(m);
        }
      };
      process.on('message', on);
      // Ask only now: a message sent before this listener exists would be lost (the worker loads for a while).
      send({ type: 'apx-ready' });
    }),
  ]);
  if (job !== null) {
    try {
      const accessLog = accessLogStream(job.accessLog ?? undefined, io);
      // SSLSessionCache: the primary holds the one store every worker uses, as shmcb is shared by httpd's children.
      const sessionStore = wantsSessionCache(job.model) ? sharedSessionStore() : null;
      stopSessions = sessionStore?.stop ?? stopSessions;
      proxy = await startProxy(job.model, {
        listen: job.listen,
        ...(accessLog !== undefined ? { accessLog } : {}),
        errorLog: io.stderr,
        ticketKeys: Buffer.from(job.ticketKeys, 'base64'),
        ...(sessionStore ? { sessionStore: sessionStore.store } : {}),
      });
      send({ type: 'apx-listening', addresses: proxy.addresses });
      stopDuplicates = askForDuplicates(proxy);
      for (const m of early.splice(0)) reload(m, proxy);
    } catch (err) {
      if (err instanceof ListenError) send({ type: 'apx-listen-error', message: err.message, code: err.code, host: err.host, port: err.port });
      else send({ type: 'apx-failed', message: err instanceof Error ? err.message : String(err), hint: err instanceof StartupError ? err.hint : null, startupError: err instanceof StartupError });
    }
  }
  if (proxy) {
    await stopped;
    await reloads;
    await proxy.close();
  }
  process.removeListener('SIGINT', ignore);
  process.removeListener('SIGHUP', ignore);
  process.removeListener('message', onReload);
  stopDuplicates();
  stopSessions();
  // The IPC channel keeps a worker alive; letting go of it lets the process end once the proxy has closed.
  if (process.connected) process.disconnect();
  return proxy ? 0 : 1;
}

/**
 * A worker's listening sockets go to the primary and come back as acceptDescriptors() − 1 duplicates each, which
 * the worker accepts on too (src/runtime/accept.ts: one accept per descriptor per loop turn). Only a process can
 * duplicate a descriptor for another (SCM_RIGHTS); Node has no dup(). Returns the undo.
 */
function askForDuplicates(proxy: ReloadableProxy): () => void {
  const onAccept = (m: ToWorker, handle: unknown): void => {
    if (m?.type !== 'apx-accept' || typeof handle !== 'object' || handle === null) return;
    proxy.acceptAlso(m.index, handle).catch(() => (handle as { close?: () => void }).close?.());
  };
  if (acceptDescriptors() <= 1) return () => {};
  process.on('message', onAccept);
  for (const [index, handle] of proxy.listenHandles().entries()) {
    if (handle) process.send?.({ type: 'apx-duplicate', index } satisfies FromWorker, handle as never);
  }
  return () => process.removeListener('message', onAccept);
}

/** Answers a worker that asks although the primary's model had no cache (a reload added one): always a miss. */
const NO_SESSIONS: SessionStore = { get: (_id, cb) => cb(null, null), set: (_id, _s, _e, cb) => cb(null) };

/** A worker's view of the primary's session store (src/runtime/tls-session-cache.ts); `stop` lets go of the channel. */
function sharedSessionStore(): { store: RemoteSessionStore; stop: () => void } {
  const store = new RemoteSessionStore((m) => process.send?.(m) ?? false);
  const onMessage = (m: unknown): void => void store.receive(m);
  const onGone = (): void => store.close();
  process.on('message', onMessage);
  process.once('disconnect', onGone);
  return {
    store,
    stop: () => {
      process.removeListener('message', onMessage);
      process.removeListener('disconnect', onGone);
      store.close();
    },
  };
}

/** The primary's half of askForDuplicates(): the handle goes back N − 1 times, then the primary's copy is closed. */
function sendDuplicates(w: ClusterWorker, index: number, handle: unknown): void {
  const h = handle as { close?: () => void } | undefined;
  if (!h) return;
  let left = acceptDescriptors() - 1;
  const next = (): void => {
    if (left-- <= 0 || !w.isConnected()) return void h.close?.();
    w.send({ type: 'apx-accept', index } satisfies ToWorker, h as never, (err: Error | null) => (err ? h.close?.() : next()));
  };
  next();
}

/** Send one worker the new model; resolves with null once it serves it (or it exited), else with its refusal. */
function askReload(w: ClusterWorker, id: number, model: ProxyModel): Promise<string | null> {
  return new Promise((resolve) => {
    const done = (answer: string | null): void => {
      w.removeListener('message', onMessage);
      w.removeListener('exit', onExit);
      resolve(answer);
    };
    const onMessage = (m: FromWorker): void => {
      if (m.type === 'apx-reloaded' && m.id === id) done(null);
      else if (m.type === 'apx-reload-failed' && m.id === id) done(m.message);
    };
    // A worker that dies meanwhile is replaced with the current job, which has the new model.
    const onExit = (): void => done(null);
    w.on('message', onMessage);
    w.once('exit', onExit);
    if (w.isDead()) return done(null);
    w.send({ type: 'apx-reload', id, model } satisfies ToWorker, (err: Error | null) => err && done(null));
  });
}

/** The primary of `--workers N`: fork, hand out the model, print where it listens, stop them all on a signal. */
async function runClustered(model: ProxyModel, options: RunModelOptions & { readonly accessLogTarget: string | null }, workers: number, io: ServeStreams): Promise<number> {
  const stop = waitForStop(io.signal, io);
  // The kernel spreads connections over the workers' accept() calls: no hop through the primary per connection.
  // Node's own knob, NODE_CLUSTER_SCHED_POLICY=rr|none, still decides when it is set.
  if (process.env['NODE_CLUSTER_SCHED_POLICY'] === undefined) cluster.schedulingPolicy = cluster.SCHED_NONE;
  // Workers get a heap sized for many idle keep-alive connections (src/runtime/cluster.ts).
  const servesTls = model.listeners.some((l) => l.protocol === 'https') || [model.mainServer, ...model.virtualHosts].some((s) => s.tls?.engine === true);
  cluster.setupPrimary({ silent: false, execArgv: workerExecArgv(process.execArgv, process.env['NODE_OPTIONS'], servesTls) });
  // What a worker asking for its job gets: replaced on reload (SIGHUP), its ports pinned once known.
  // Made once here, as mod_ssl makes its ticket keys in the parent: a client resumes its TLS session on any worker.
  const ticketKeys = newTicketKeys().toString('base64');
  // SSLSessionCache: one store here for every worker (sized by the config at start; a reload keeps it, as httpd's
  // graceful restart keeps its shmcb).
  const sessions = sessionStoreForModel(model);
  let job: Extract<ToWorker, { type: 'apx-serve' }> = { type: 'apx-serve', model, listen: options.listen ?? [], accessLog: options.accessLogTarget, ticketKeys };
  const live = new Set<ClusterWorker>();
  const restarts = new RestartLimiter();
  let stopping = false;
  let reported = false;
  let listening = 0;
  // `--listen …:0`, made concrete once the first worker listens (src/runtime/listeners.ts pinListenPorts). A worker
  // asks node:cluster for a socket by its listen arguments: while another worker holds the socket, asking for
  // port 0 again shares it (asking for the concrete port would try to bind it a second time: EADDRINUSE); once
  // every holder has died node:cluster has closed it, and port 0 would be a new random port — then the concrete
  // port is asked for, so the printed URL keeps answering.
  let pinned: readonly ListenOverride[] | null = null;
  const listeningWorkers = new Set<ClusterWorker>();
  const jobFor = (w: ClusterWorker): ToWorker => (pinned && ![...listeningWorkers].some((x) => x !== w) ? { ...job, listen: pinned } : job);
  let failure: number | null = null;
  let resolveFailure!: () => void;
  const failed = new Promise<void>((r) => (resolveFailure = r));
  const fork = (): void => {
    const w = cluster.fork({ [WORKER_ENV]: '1' });
    live.add(w);
    // A worker that already quit (a failed start) makes sends fail with EPIPE: its 'exit' tells the rest.
    w.on('error', () => {});
    w.on('message', (m: FromWorker | SessionRequest, handle: unknown) => {
      if (isSessionRequest(m)) return serveSessionRequest(sessions ?? NO_SESSIONS, m, (r) => w.isConnected() && w.send(r, () => {}));
      if (m.type === 'apx-duplicate') return sendDuplicates(w, m.index, handle);
      // A worker still booting when the stop comes learns of it when it asks for its job.
      if (m.type === 'apx-ready') w.send(stopping ? ({ type: 'apx-stop' } satisfies ToWorker) : jobFor(w), () => {});
      else if (m.type === 'apx-listening') {
        listeningWorkers.add(w);
        pinned ??= pinListenPorts(job.model, job.listen, m.addresses);
        // Printed once every first worker listens: the URL then means all N accept (a restart never prints it again).
        if (reported || ++listening < workers) return;
        reported = true;
        for (const a of m.addresses) io.stdout.write(`${options.banner} on ${a.url.endsWith('/') ? a.url : `${a.url}/`} ${describeAddress(model, a)}\n`);
        io.stdout.write(`(${workers} worker processes)\n`);
        options.onStarted?.({ addresses: m.addresses, close: async () => {} });
      } else if (m.type === 'apx-listen-error' && failure === null) {
        io.stderr.write(listenFailure(new ListenError(m.message, m.code, m.host, m.port), options.listenHint));
        failure = 2;
        resolveFailure();
      } else if (m.type === 'apx-failed' && failure === null) {
        // A StartupError is the config's fault (exit 1, with its fix), as in a single process; anything else is fatal.
        io.stderr.write(`apx: a worker could not start: ${m.message}\n${m.hint ? `  fix: ${m.hint}\n` : ''}`);
        failure = m.startupError ? 1 : 2;
        resolveFailure();
      }
    });
    w.on('exit', (code, signal) => {
      live.delete(w);
      listeningWorkers.delete(w);
      if (stopping || failure !== null) return;
      // A worker that dies on its own (a crash, the OOM killer, kill -9) is replaced with one serving the same
      // model, as httpd's parent replaces a child; past RESTART_LIMIT the crash is not transient: give up.
      if (restarts.allow(Date.now())) {
        io.stderr.write(`apx: worker ${w.process.pid} exited (${signal ?? `code ${code}`}); starting another\n`);
        fork();
        return;
      }
      io.stderr.write(
        `apx: worker ${w.process.pid} exited (${signal ?? `code ${code}`}); workers crashed more than ${RESTART_LIMIT.max} times in ${RESTART_LIMIT.windowMs / 1000} s: giving up, stopping the others (see the errors above)\n`,
      );
      failure = 1;
      resolveFailure();
    });
  };
  // SIGHUP: the primary re-reads, lints and compiles the config (printing its diagnostics once); the workers only
  // swap models. Replacements forked from now on get the new one.
  let reloadId = 0;
  const reloadWorkers = async (next: ProxyModel): Promise<string | null> => {
    const id = ++reloadId;
    const previous = job;
    job = { ...job, model: next };
    const answers = await Promise.all([...live].map((w) => askReload(w, id, next)));
    const failures = answers.filter((a): a is string => a !== null);
    // A model the runtime refuses is refused by every worker alike (listeners moved, a bad certificate…).
    if (failures.length) job = previous;
    return failures[0] ?? null;
  };
  const unhook = options.reread
    ? onHangup({ reload: reloadWorkers, describe: () => `${live.size} worker${live.size === 1 ? '' : 's'}` }, options.reread, io)
    : () => {};
  try {
    for (let i = 0; i < workers; i++) fork();
    const how = await Promise.race([stop.promise, failed.then(() => 'failed')]);
    unhook();
    stopping = true;
    if (how !== 'abort' && how !== 'failed') io.stderr.write(`apx: ${how}: finishing open requests, then exiting\n`);
    await Promise.all(
      [...live].map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            // Sent to a worker that has not asked for its job yet, this is dropped; it gets apx-stop when it asks.
            if (w.isDead()) return resolve();
            if (w.isConnected()) w.send({ type: 'apx-stop' } satisfies ToWorker, () => {});
            else w.kill('SIGTERM');
          }),
      ),
    );
    return failure ?? 0;
  } finally {
    stop.dispose();
  }
}

/**
 * `--workers`: a positive whole number, or the default — one per CPU core for the `apx` command itself, one when
 * the CLI runs embedded (its streams are not the process's: a test or a script calling main()), because
 * node:cluster forks `process.argv[1]`, which is then not apx.
 */
export function workerCount(flag: number | undefined, cores: number = availableParallelism(), embedded = false): number {
  if (flag === undefined) return embedded ? 1 : Math.max(1, cores);
  if (!Number.isInteger(flag) || flag < 1 || flag > 256) throw new UsageError(`--workers ${flag}: give a whole number from 1 to 256`);
  return flag;
}

// ───────────────────────────────────────────── the command ─────────────────────────────────────────────

export interface ServeArgs extends LoadArgs {
  file: string;
  listen: string[] | undefined;
  'access-log': string | undefined;
  workers: number | undefined;
}

function builder(y: Argv): Argv<ServeArgs> {
  return withLoadOptions(
    y
      .positional('file', { type: 'string', describe: 'config file, a model .json from `apx to-json`, or - for standard input', demandOption: true })
      .option('listen', {
        alias: 'l',
        type: 'string',
        array: true,
        describe: 'serve on this address instead of the config\'s Listen: HOST:PORT for every listener, PORT=HOST:PORT for one (repeatable; port 0 = any free port)',
      })
      .option('access-log', { type: 'string', describe: 'write access log lines here instead of the config\'s CustomLog: a path, - for stdout, off for none' })
      .option('workers', {
        alias: 'w',
        type: 'number',
        describe: 'processes sharing the sockets (default: one per CPU core); balancer state is per process, so use 1 for Apache\'s exact byrequests order',
      }),
  )
    .example('$0 serve 000-default.conf --listen 127.0.0.1:8000', 'serve the *:80 vhost of the tutorial file on port 8000')
    .example('$0 serve /etc/apache2/apache2.conf --listen 80=127.0.0.1:8080 --listen 443=127.0.0.1:8443', 'a whole server, each listener moved')
    .example('$0 serve site.conf --modules proxy,proxy_http,headers --access-log -', 'exactly these modules, access log on stdout')
    .example('$0 to-json site.conf > model.json && $0 serve model.json -l 127.0.0.1:0', 'run a compiled model on any free port')
    .example('$0 serve 000-default.balancer.conf -l 127.0.0.1:8000 --workers 1', 'one process: byrequests alternates exactly as Apache\'s')
    .epilog(
      'Stops on SIGTERM or Ctrl-C after the open requests finish; SIGHUP reloads the file. Exit codes: 0 stopped, 1 config errors (or workers kept crashing), 2 usage or cannot listen. ' +
        'Environment: APX_ACCEPT_DESCRIPTORS=N, descriptors per listening socket in each worker (default 16, 1 = off).',
    ) as unknown as Argv<ServeArgs>;
}

async function run(args: ServeArgs, io: ServeStreams): Promise<number> {
  if (isServeWorker()) return runAsWorker(io);
  const listen = (args.listen ?? []).map(parseListen);
  const workers = workerCount(args.workers, availableParallelism(), io.stdout !== process.stdout);
  const input = await readInput(args.file, io.stdin);
  const prepared = looksLikeJson(input.file, input.text) ? prepareModelJson(input.file, input.text, io) : prepareConfig(input.file, input.text, args, io);
  if (!prepared.ok) return prepared.exitCode;
  checkListenOverrides(listen, prepared.model);
  const options: RunModelOptions = {
    ...(listen.length ? { listen } : {}),
    errorLog: io.stderr,
    banner: `apx serving ${prepared.name}`,
    listenHint: listen.length
      ? 'choose another address with --listen HOST:PORT (port 0 takes any free port)'
      : 'serve it elsewhere with --listen 127.0.0.1:8000 (or PORT=HOST:PORT for one listener)',
  };
  // SIGHUP re-reads the file (standard input cannot be read twice).
  const reread =
    input.file === STDIN_NAME
      ? undefined
      : async (): Promise<ProxyModel | null> => {
          const again = await readInput(args.file, io.stdin);
          const next = looksLikeJson(again.file, again.text) ? prepareModelJson(again.file, again.text, io) : prepareConfig(again.file, again.text, args, io);
          if (!next.ok) return null;
          checkListenOverrides(listen, next.model);
          return next.model;
        };
  const target = args['access-log'] === STDIN_ARG ? '-' : args['access-log'];
  if (workers > 1) return runClustered(prepared.model, { ...options, ...(reread ? { reread } : {}), accessLogTarget: target ?? null }, workers, io);
  const accessLog = accessLogStream(target, io);
  try {
    return await runModel(prepared.model, { ...options, ...(accessLog !== undefined ? { accessLog } : {}), ...(reread ? { reread } : {}) }, io);
  } finally {
    if (accessLog && accessLog !== io.stdout) accessLog.end();
  }
}

export const serve: ApxCommand<ServeArgs> = {
  ...SERVE,
  builder,
  run,
};
