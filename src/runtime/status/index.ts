/**
 * `<Location /server-status> SetHandler server-status` (mod_status): the board the request path counts into, and
 * the handler that answers with the HTML page or, with `?auto` in the query, the machine-readable lines.
 *
 * As in mod_status.c, only GET (and HEAD, which httpd treats as GET) is served; the query is searched for the
 * option names (`auto`, `notable`, `refresh=N`) anywhere, as `ap_strstr_c(r->args, "auto")` does. The
 * <Location>'s Require lines are checked with the balancer-manager's evaluator (fail closed on anything apx does
 * not evaluate).
 */
import type { LocationHandler } from '../../model/types.js';
import { AccessPolicies, type AccessPolicy } from '../manager/access.js';
import { StatusBoard } from './board.js';
import { renderAuto, renderHtml, type StatusEnv } from './page.js';

export { StatusBoard, type StatusSnapshot, type ServerCounts } from './board.js';
export { renderAuto, renderHtml, type StatusEnv } from './page.js';
export { aprG, htTime, showTime } from './format.js';

export const APX_SERVER_VERSION = 'apx';

export interface StatusRequest {
  readonly method: string;
  readonly query: string | null;
  readonly serverName: string;
  readonly vhostName: string;
}

export interface StatusResponse {
  readonly status: number;
  readonly headers: readonly [string, string][];
  readonly body: string;
}

export class ServerStatus {
  readonly board: StatusBoard;
  private readonly policies = new AccessPolicies();
  private readonly cpuStart = process.cpuUsage();

  constructor(board: StatusBoard = new StatusBoard()) {
    this.board = board;
  }

  /** The <Location>'s Require lines, compiled once. */
  policy(h: LocationHandler, where: string): AccessPolicy {
    return this.policies.of(h, where);
  }

  handle(req: StatusRequest): StatusResponse {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // mod_status declines anything but GET; httpd's default handler then refuses the method.
      return { status: 405, headers: [['Allow', 'GET,HEAD']], body: '' };
    }
    const cpu = process.cpuUsage(this.cpuStart);
    const env: StatusEnv = { serverName: req.serverName, vhostName: req.vhostName, version: APX_SERVER_VERSION, cpu: { user: cpu.user / 1e6, system: cpu.system / 1e6 } };
    const snap = this.board.snapshot();
    const query = req.query ?? '';
    const refresh = /refresh=(\d+)/.exec(query);
    const headers: [string, string][] = [];
    if (refresh) headers.push(['Refresh', refresh[1]!]);
    if (query.includes('auto')) {
      headers.push(['Content-Type', 'text/plain; charset=ISO-8859-1']);
      return { status: 200, headers, body: renderAuto(snap, env) };
    }
    headers.push(['Content-Type', 'text/html; charset=ISO-8859-1']);
    return { status: 200, headers, body: renderHtml(snap, env) };
  }
}
