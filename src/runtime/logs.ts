/**
 * Log sinks: CustomLog files (or the `accessLog` stream given to startProxy) and the error log, whose lines
 * follow httpd 2.4's default ErrorLogFormat:
 *   [Wed Nov 25 12:34:59.387988 2026] [proxy:error] [pid 6995] [client 127.0.0.1:51198] AH01114: …
 */
import { isAbsolute, resolve } from 'node:path';
import type { AccessLog } from '../model/types.js';
import { AppendFile } from './append-file.js';
import { COMBINED, compileLogFormat, type CompiledFormat, type LogRecord } from './logformat.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number): string => String(n).padStart(2, '0');

export type LogLevel = 'emerg' | 'alert' | 'crit' | 'error' | 'warn' | 'notice' | 'info' | 'debug';
const LEVELS: readonly LogLevel[] = ['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug'];

export function errorLogTime(ms: number, micros = 0): string {
  const d = new Date(ms);
  const us = String((d.getMilliseconds() * 1000 + micros) % 1_000_000).padStart(6, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${us} ${d.getFullYear()}`;
}

export interface ErrorEntry {
  /** httpd module name without `mod_`: proxy, proxy_http, core, proxy_balancer. */
  readonly module: string;
  readonly level: LogLevel;
  /** `(111)Connection refused` style OS error prefix, or null. */
  readonly os?: string | null;
  /** `ip:port` of the client, when the entry is about a request. */
  readonly client?: string | null;
  readonly message: string;
}

export class ErrorLog {
  private readonly max: number;

  constructor(
    private readonly out: NodeJS.WritableStream,
    logLevel: string | null,
  ) {
    const lvl = (logLevel ?? 'warn').trim().split(/\s+/)[0]!.toLowerCase();
    const i = LEVELS.indexOf(lvl as LogLevel);
    this.max = i >= 0 ? i : LEVELS.indexOf('warn');
  }

  log(e: ErrorEntry): void {
    if (LEVELS.indexOf(e.level) > this.max) return;
    const os = e.os ? `${e.os}: ` : '';
    const client = e.client ? `[client ${e.client}] ` : '';
    this.out.write(`[${errorLogTime(Date.now())}] [${e.module}:${e.level}] [pid ${process.pid}] ${os}${client}${e.message}\n`);
  }
}

/** Where one server's access log lines go. */
export interface AccessSink {
  readonly format: CompiledFormat;
  /** CustomLog's `env=[!]VAR` condition; null logs every request. */
  readonly when: ((env: Readonly<Record<string, string>>) => boolean) | null;
  write(line: string): void;
}

/**
 * CustomLog `env=VAR` / `env=!VAR` (mod_log_config). apx sets only mod_proxy_balancer's variables, so
 * `env=!dontlog` logs everything, as it does on a server that never sets `dontlog`. `expr=` is not evaluated:
 * every request is logged and a warning says so.
 */
function condition(cond: string | null, report: (e: ErrorEntry) => void): AccessSink['when'] {
  if (!cond) return null;
  const m = /^env=(!?)(.+)$/i.exec(cond.trim());
  if (m) {
    const negate = m[1] === '!';
    const name = m[2]!;
    return (env) => (env[name] !== undefined) !== negate;
  }
  report({ module: 'log_config', level: 'warn', message: `apx does not evaluate CustomLog condition "${cond}"; every request is logged` });
  return null;
}

/**
 * A line writer that hands the lines of one event-loop turn to the stream together: the stream is corked at the
 * first line and uncorked by setImmediate, so a busy server makes one write(v) per turn instead of one per request
 * (measured in docs/performance.md). httpd writes each line at once (BufferedLogs Off); here a line reaches the
 * file within the same turn's I/O, and `end()` uncorks, so nothing is lost at shutdown.
 */
export function batchedWriter(stream: NodeJS.WritableStream): (line: string) => void {
  const w = stream as NodeJS.WritableStream & { cork?: () => void; uncork?: () => void; writableCorked?: number };
  if (typeof w.cork !== 'function' || typeof w.uncork !== 'function') return (line) => void stream.write(line);
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    // end() uncorks on its own; only undo the cork taken below.
    if ((w.writableCorked ?? 0) > 0) w.uncork!();
  };
  return (line) => {
    if (!scheduled) {
      scheduled = true;
      w.cork!();
      setImmediate(flush);
    }
    stream.write(line);
  };
}

/**
 * Access log sinks for one server. With `override` (startProxy's accessLog option) every line goes there in the
 * server's first CustomLog format (combined when it has none); `null` turns access logging off. Otherwise each
 * CustomLog file is appended to; piped logs (`|command`) are not supported and reported once.
 */
export function accessSinks(
  logs: readonly AccessLog[],
  override: NodeJS.WritableStream | null | undefined,
  serverRoot: string | null,
  files: Map<string, AppendFile>,
  report: (e: ErrorEntry) => void,
): AccessSink[] {
  if (override === null) return [];
  if (override !== undefined) {
    const format = compileLogFormat(logs[0]?.format ?? COMBINED);
    return [{ format, when: condition(logs[0]?.condition ?? null, report), write: batchedWriter(override) }];
  }
  const sinks: AccessSink[] = [];
  for (const log of logs) {
    const target = log.target.trim();
    if (target.startsWith('|')) {
      report({ module: 'log_config', level: 'warn', message: `apx does not run piped logs; CustomLog "${target}" is ignored (use --access-log - and pipe apx's output instead)` });
      continue;
    }
    const path = isAbsolute(target) ? target : resolve(serverRoot ?? process.cwd(), target);
    let stream = files.get(path);
    if (!stream) {
      stream = new AppendFile(path);
      // mod_log_config's two failures: the file cannot be opened (AH00649), or a write fails (AH00646: a full disk).
      stream.on('error', (err: NodeJS.ErrnoException) =>
        report({
          module: 'log_config',
          level: 'error',
          os: err.message,
          message:
            err.syscall === 'open'
              ? `AH00649: could not open transfer log file ${path}; access lines for it are dropped`
              : `AH00646: Error writing to ${path}; access lines for it are dropped from now on`,
        }),
      );
      files.set(path, stream);
    }
    sinks.push({ format: compileLogFormat(log.format), when: condition(log.condition, report), write: batchedWriter(stream) });
  }
  return sinks;
}

export function writeAccess(sinks: readonly AccessSink[], r: LogRecord): void {
  for (const s of sinks) if (!s.when || s.when(r.env)) s.write(`${s.format.render(r)}\n`);
}
