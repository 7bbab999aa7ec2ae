/**
 * mod_status's two outputs (modules/generators/mod_status.c status_handler): `?auto`, the `Key: value` lines
 * monitoring tools parse, and the HTML page. Field names, their order, and which ones are left out (ReqPerSec and
 * BytesPerSec while the uptime is 0 s, the per-request figures before the first access) follow httpd 2.4.71's
 * output; worker-slot figures are apx's (see board.ts). apx adds a per-virtual-host table, which httpd lacks.
 */
import { loadavg } from 'node:os';
import { aprG, htTime, showTime } from './format.js';
import type { StatusSnapshot } from './board.js';

export interface StatusEnv {
  /** ap_get_server_name: the host the client asked for, else ServerName. */
  readonly serverName: string;
  /** The vhost's own ServerName (the page's "via"). */
  readonly vhostName: string;
  readonly version: string;
  readonly cpu: { readonly user: number; readonly system: number };
}

interface Derived {
  uptime: number;
  idle: number;
  kbytes: number;
}

function derive(s: StatusSnapshot): Derived {
  return {
    uptime: Math.max(0, Math.floor((s.now - s.restartTime) / 1000)),
    // The status request itself is busy; every other open connection waits for its next request.
    idle: Math.max(0, s.connections - s.busy),
    kbytes: Math.floor(s.bytes / 1024),
  };
}

export function renderAuto(s: StatusSnapshot, env: StatusEnv): string {
  const d = derive(s);
  const load = loadavg();
  const lines: string[] = [
    env.serverName,
    `ServerVersion: ${env.version}`,
    'ServerMPM: apx',
    `CurrentTime: ${htTime(s.now)}`,
    `RestartTime: ${htTime(s.restartTime)}`,
    `ParentServerConfigGeneration: ${s.generation}`,
    'ParentServerMPMGeneration: 0',
    `ServerUptimeSeconds: ${d.uptime}`,
    `ServerUptime:${showTime(d.uptime)}`,
    `Load1: ${load[0]!.toFixed(2)}`,
    `Load5: ${load[1]!.toFixed(2)}`,
    `Load15: ${load[2]!.toFixed(2)}`,
    `Total Accesses: ${s.accesses}`,
    `Total kBytes: ${d.kbytes}`,
    `Total Duration: ${s.durationMs}`,
    `CPUUser: ${aprG(env.cpu.user)}`,
    `CPUSystem: ${aprG(env.cpu.system)}`,
    'CPUChildrenUser: 0',
    'CPUChildrenSystem: 0',
  ];
  if (d.uptime > 0 && env.cpu.user + env.cpu.system > 0) lines.push(`CPULoad: ${aprG(((env.cpu.user + env.cpu.system) / d.uptime) * 100)}`);
  lines.push(`Uptime: ${d.uptime}`);
  if (d.uptime > 0) {
    lines.push(`ReqPerSec: ${aprG(s.accesses / d.uptime)}`);
    lines.push(`BytesPerSec: ${aprG((1024 * d.kbytes) / d.uptime)}`);
  }
  if (s.accesses > 0) {
    lines.push(`BytesPerReq: ${aprG((1024 * d.kbytes) / s.accesses)}`);
    lines.push(`DurationPerReq: ${aprG(s.durationMs / s.accesses)}`);
  }
  lines.push(
    `BusyWorkers: ${s.busy}`,
    'GracefulWorkers: 0',
    `IdleWorkers: ${d.idle}`,
    'Processes: 1',
    'Stopping: 0',
    `ConnsTotal: ${s.connections}`,
    'ConnsAsyncWaitIO: 0',
    'ConnsAsyncWriting: 0',
    `ConnsAsyncKeepAlive: ${d.idle}`,
    'ConnsAsyncClosing: 0',
    `Scoreboard: ${'W'.repeat(s.busy)}${'_'.repeat(d.idle)}`,
  );
  return `${lines.join('\n')}\n`;
}

function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function renderHtml(s: StatusSnapshot, env: StatusEnv): string {
  const d = derive(s);
  const load = loadavg();
  const perReq = s.accesses > 0 ? `<dt>${aprG((1024 * d.kbytes) / s.accesses)} B/request - ${aprG(s.durationMs / s.accesses)} ms/request</dt>\n` : '';
  const perSec = d.uptime > 0 ? `<dt>${aprG(s.accesses / d.uptime)} requests/sec - ${aprG((1024 * d.kbytes) / d.uptime)} B/second</dt>\n` : '';
  const rows = s.servers
    .map((v) => `<tr><td>${esc(v.label)}</td><td>${esc(v.name)}</td><td>${v.accesses}</td><td>${Math.floor(v.bytes / 1024)}</td><td>${v.busy}</td></tr>`)
    .join('\n');
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">
<html><head>
<title>Apache Status</title>
</head><body>
<h1>Apache Server Status for ${esc(env.serverName)} (via ${esc(env.vhostName)})</h1>

<dl><dt>Server Version: ${esc(env.version)}</dt>
<dt>Server MPM: apx</dt>
</dl><hr /><dl>
<dt>Current Time: ${htTime(s.now)}</dt>
<dt>Restart Time: ${htTime(s.restartTime)}</dt>
<dt>Parent Server Config. Generation: ${s.generation}</dt>
<dt>Parent Server MPM Generation: 0</dt>
<dt>Server uptime: ${showTime(d.uptime)}</dt>
<dt>Server load: ${load.map((l) => l.toFixed(2)).join(' ')}</dt>
<dt>Total accesses: ${s.accesses} - Total Traffic: ${d.kbytes} kB - Total Duration: ${s.durationMs}</dt>
<dt>CPU Usage: u${aprG(env.cpu.user)} s${aprG(env.cpu.system)} cu0 cs0</dt>
${perSec}${perReq}<dt>${s.busy} requests currently being processed, 0 workers gracefully restarting, ${d.idle} idle workers</dt>
</dl>
<h2>Virtual hosts</h2>
<table rules="all" cellpadding="1%">
<tr><th>Server</th><th>ServerName</th><th>Accesses</th><th>kB</th><th>Busy</th></tr>
${rows}
</table>
</body></html>
`;
}
