/**
 * The balancer-manager page as mod_proxy_balancer.c balancer_display_page writes it (HTML), and apx's JSON view of
 * the same facts. Every value that came from a config or a request is escaped (CVE-2012-4558 was an unescaped
 * member name on this page).
 */
import type { BalancerRuntime } from '../balancer.js';
import type { Worker } from '../worker.js';

/** ap_escape_html: `& < > "` — and `'` too, since apx quotes some attributes with it. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A URL component for the `?b=…&w=…` links (ap_escape_uri is not enough inside a query: encode it all). */
const q = (s: string): string => encodeURIComponent(s);

/** apr_strfsize: `  0 `, `973 `, `1.2K`, ` 12K`, `3.4M` … */
export function strfsize(size: number): string {
  if (size < 0) return '  - ';
  if (size < 973) return `${String(Math.trunc(size)).padStart(3)} `;
  const ord = 'KMGTPE';
  let o = 0;
  let n = Math.trunc(size);
  for (;;) {
    let remain = n & 1023;
    n = Math.floor(n / 1024);
    if (n >= 973) {
      o++;
      continue;
    }
    if (n < 9 || (n === 9 && remain < 973)) {
      remain = Math.floor((remain * 5 + 256) / 512);
      if (remain >= 10) {
        n++;
        remain = 0;
      }
      return `${n}.${remain}${ord[o]}`;
    }
    if (remain >= 512) n++;
    return `${String(n).padStart(3)}${ord[o]}`;
  }
}

/**
 * ap_proxy_parse_wstatus: the flags' names in proxy_util.c wstat_tbl order, then `Ok ` when usable. apx's
 * members are always initialised (`Init `).
 */
export function statusText(w: Worker): string {
  const s = w.status;
  let out = 'Init ';
  if (s.ignoreErrors) out += 'Ign ';
  if (s.drain) out += 'Drn ';
  if (s.disabled) out += 'Dis ';
  if (s.stopped) out += 'Stop ';
  if (s.inError) out += 'Err ';
  if (s.hotStandby) out += 'Stby ';
  if (s.hotSpare) out += 'Spar ';
  if (w.hcFailed) out += 'HcFl ';
  if (w.usable) out += 'Ok ';
  return out;
}

/** `%.2f` of lbfactor/100, as httpd prints the factor. */
export const factorText = (w: Worker): string => (w.lbfactor / 100).toFixed(2);

/** Health-check settings shown per member when mod_proxy_hcheck is loaded. */
export interface HcView {
  readonly method: string;
  readonly intervalMs: number;
  readonly passes: number;
  readonly passCount: number;
  readonly fails: number;
  readonly failCount: number;
  readonly uri: string;
  readonly expr: string;
}

export interface PageInput {
  readonly serverName: string;
  /** The manager's own path (r->uri) and absolute URL (ap_construct_url), for links and the form action. */
  readonly uri: string;
  readonly action: string;
  readonly balancers: readonly BalancerRuntime[];
  /** The ProxyPass path that uses each balancer (the Path column), by balancer name. */
  readonly paths: ReadonlyMap<string, string>;
  readonly selected: { readonly balancer: BalancerRuntime | null; readonly worker: Worker | null };
  readonly hc: ((w: Worker) => HcView | null) | null;
  /** ProxyHCExpr names and conditions (hc_show_exprs), when health checks run. */
  readonly hcExprs: readonly (readonly [string, string])[];
  readonly lbmethods: readonly string[];
}

const STYLE =
  "<style type='text/css'>\ntable {\n border-width: 1px;\n border-spacing: 3px;\n border-style: solid;\n border-color: gray;\n" +
  ' border-collapse: collapse;\n background-color: white;\n text-align: center;\n}\nth {\n border-width: 1px;\n padding: 2px;\n' +
  ' border-style: dotted;\n border-color: gray;\n background-color: lightgray;\n text-align: center;\n}\ntd {\n border-width: 1px;\n' +
  ' padding: 2px;\n border-style: dotted;\n border-color: gray;\n background-color: white;\n text-align: center;\n}\n</style>\n';

function radio(name: string, on: boolean): string {
  return (
    `<td><label for='${name}1'>On</label> <input name='${name}' id='${name}1' value='1' type=radio${on ? ' checked' : ''}>` +
    ` <br/> <label for='${name}0'>Off</label> <input name='${name}' id='${name}0' value='0' type=radio${on ? '' : ' checked'}></td>\n`
  );
}

function stickyText(b: BalancerRuntime): string {
  if (!b.stickySession) return ' (None) ';
  const [cookie, path] = b.stickySession.split('|') as [string, string | undefined];
  return path !== undefined && path !== cookie ? `${escapeHtml(cookie)} | ${escapeHtml(path)}` : escapeHtml(cookie);
}

/** The health-check part of a member's form (balancer_display_page with hc_select_exprs). */
function hcForm(p: PageInput, w: Worker): string {
  const hc = p.hc?.(w);
  if (!hc) return '';
  const methods = ['NONE', 'TCP', 'OPTIONS', 'HEAD', 'GET', 'OPTIONS11', 'HEAD11', 'GET11'];
  return (
    "<tr><td colspan='2'>\n<table align='center'><tr><th>Health Check param</th><th>Value</th></tr>\n" +
    "<tr><td>Method</td><td><select name='w_hm'>\n" +
    methods.map((m) => `<option value='${m}' ${m === hc.method ? 'selected' : ''} >${m}</option>\n`).join('') +
    '</select>\n</td></tr>\n' +
    "<tr><td>Expr</td><td><select name='w_he'>\n" +
    `<option value='' ${hc.expr === '' ? 'selected' : ''} ></option>\n` +
    p.hcExprs.map(([name]) => `<option value='${escapeHtml(name)}' ${name === hc.expr ? 'selected' : ''} >${escapeHtml(name)}</option>\n`).join('') +
    '</select>\n</td></tr>\n' +
    `<tr><td>Interval (ms)</td><td><input name='w_hi' id='w_hi' type='text'value='${hc.intervalMs}'></td></tr>\n` +
    `<tr><td>Passes trigger</td><td><input name='w_hp' id='w_hp' type='text'value='${hc.passes}'></td></tr>\n` +
    `<tr><td>Fails trigger)</td><td><input name='w_hf' id='w_hf' type='text'value='${hc.fails}'></td></tr>\n` +
    `<tr><td>HC uri</td><td><input name='w_hu' id='w_hu' type='text'value="${escapeHtml(hc.uri)}"></td></tr>\n` +
    '</table>\n</td></tr>\n'
  );
}

/** balancer_display_page, HTML form. */
export function renderHtml(p: PageInput): string {
  const uri = escapeHtml(p.uri);
  let out =
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n' +
    '<html><head><title>Balancer Manager</title>\n' +
    STYLE +
    '</head>\n' +
    `<body><h1>Load Balancer Manager for ${escapeHtml(p.serverName)}</h1>\n\n` +
    '<dl><dt>Server Version: apx</dt>\n' +
    '<dt>Balancer changes will NOT be persisted on restart.</dt>' +
    '<dt>Balancers are inherited from main server.</dt>' +
    '<dt>ProxyPass settings are inherited from main server.</dt>' +
    '</dl>\n';
  for (const b of p.balancers) {
    const bq = q(b.name);
    out +=
      `<hr />\n<h3>LoadBalancer Status for <a href="${uri}?b=${bq}&amp;nonce=${b.nonce}">balancer://${escapeHtml(b.name)}</a> [${escapeHtml(b.name.replace(/[^A-Za-z0-9]/g, '_'))}]</h3>\n` +
      '\n\n<table><tr><th>MaxMembers</th><th>StickySession</th><th>DisableFailover</th><th>Timeout</th><th>FailoverAttempts</th><th>Method</th><th>Path</th><th>Active</th></tr>\n<tr>' +
      `<td>${b.members.length + b.model.growth} [${b.members.length} Used]</td>\n` +
      `<td>${stickyText(b)}</td><td>${b.noFailover ? 'On' : 'Off'}</td>\n` +
      `<td>${b.timeout}</td><td>${b.maxAttempts}</td>\n` +
      `<td>${escapeHtml(b.method.name)}</td>\n` +
      `<td>${escapeHtml(p.paths.get(b.name.toLowerCase()) ?? '')}</td>\n` +
      '<td>Yes</td>\n' +
      '</tr>\n</table>\n<br />' +
      '\n\n<table><tr><th>Worker URL</th><th>Route</th><th>RouteRedir</th><th>Factor</th><th>Set</th><th>Status</th><th>Elected</th><th>Busy</th><th>Load</th><th>To</th><th>From</th>' +
      (p.hc ? '<th>HC Method</th><th>HC Interval</th><th>Passes</th><th>Fails</th><th>HC uri</th><th>HC Expr</th>' : '') +
      '</tr>\n';
    for (const w of b.members) {
      out +=
        `<tr>\n<td><a href="${uri}?b=${bq}&amp;w=${q(w.name)}&amp;nonce=${b.nonce}">${escapeHtml(w.name)}</a></td>` +
        `<td>${escapeHtml(w.route)}</td><td>${escapeHtml(w.redirect)}</td>` +
        `<td>${factorText(w)}</td><td>${w.lbset}</td><td>${statusText(w)}</td>` +
        `<td>${w.elected}</td><td>${w.busy}</td><td>${Math.trunc(w.lbstatus)}</td><td>${strfsize(w.transferred)}</td><td>${strfsize(w.read)}`;
      const hc = p.hc?.(w);
      if (p.hc) {
        out += hc
          ? `</td><td>${escapeHtml(hc.method)}</td><td>${hc.intervalMs}ms</td><td>${hc.passes} (${hc.passCount})</td><td>${hc.fails} (${hc.failCount})</td><td>${escapeHtml(hc.uri)}</td><td>${escapeHtml(hc.expr)}`
          : '</td><td>NONE</td><td></td><td></td><td></td><td></td><td>';
      }
      out += '</td></tr>\n';
    }
    out += '</table>\n';
  }
  out += '<hr />\n';
  if (p.hc) {
    out +=
      "\n\n<table><tr><th colspan='2'>Health check cond. expressions:</th></tr>\n<tr><th>Expr name</th><th>Expression</th></tr>\n" +
      p.hcExprs.map(([name, text]) => `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(text)}</td></tr>\n`).join('') +
      '</table><hr/>\n';
  }
  const { balancer: bsel, worker: wsel } = p.selected;
  const action = escapeHtml(p.action);
  if (bsel && wsel) {
    out +=
      `<h3>Edit worker settings for ${escapeHtml(wsel.name)}</h3>\n` +
      `<form method='POST' enctype='application/x-www-form-urlencoded' action="${action}">\n` +
      `<table><tr><td>Load factor:</td><td><input name='w_lf' id='w_lf' type=text value='${factorText(wsel)}'></td></tr>\n` +
      `<tr><td>LB Set:</td><td><input name='w_ls' id='w_ls' type=text value='${wsel.lbset}'></td></tr>\n` +
      `<tr><td>Route:</td><td><input name='w_wr' id='w_wr' type=text value="${escapeHtml(wsel.route)}"></td></tr>\n` +
      `<tr><td>Route Redirect:</td><td><input name='w_rr' id='w_rr' type=text value="${escapeHtml(wsel.redirect)}"></td></tr>\n` +
      '<tr><td>Status:</td><td><table><tr><th>Ignore Errors</th><th>Draining Mode</th><th>Disabled</th><th>Hot Standby</th><th>Hot Spare</th>' +
      (p.hc ? '<th>HC Fail</th>' : '') +
      '<th>Stopped</th></tr>\n<tr>' +
      radio('w_status_I', wsel.status.ignoreErrors) +
      radio('w_status_N', wsel.status.drain) +
      radio('w_status_D', wsel.status.disabled) +
      radio('w_status_H', wsel.status.hotStandby) +
      radio('w_status_R', wsel.status.hotSpare) +
      (p.hc ? radio('w_status_C', wsel.hcFailed) : '') +
      radio('w_status_S', wsel.status.stopped) +
      '</tr></table></td></tr>\n' +
      hcForm(p, wsel) +
      "<tr><td colspan='2'><input type=submit value='Submit'></td></tr>\n" +
      `</table>\n<input type=hidden name='w' id='w' value="${escapeHtml(wsel.name)}">\n` +
      `<input type=hidden name='b' id='b' value="${escapeHtml(bsel.name)}">\n` +
      `<input type=hidden name='nonce' id='nonce' value='${bsel.nonce}'>\n` +
      '</form>\n<hr />\n';
  } else if (bsel) {
    out +=
      `<h3>Edit balancer settings for balancer://${escapeHtml(bsel.name)}</h3>\n` +
      `<form method='POST' enctype='application/x-www-form-urlencoded' action="${action}">\n` +
      '<table>\n<tr><td>LBmethod:</td><td>\n<select name=\'b_lbm\' id=\'b_lbm\'>' +
      p.lbmethods.map((m) => `<option value='${escapeHtml(m)}'${m === bsel.method.name ? ' selected ' : ''}>${escapeHtml(m)}\n`).join('') +
      '</select>\n</td></tr>\n' +
      `<tr><td>Timeout:</td><td><input name='b_tmo' id='b_tmo' type=text value='${bsel.timeout}'></td></tr>\n` +
      `<tr><td>Failover Attempts:</td><td><input name='b_max' id='b_max' type=text value='${bsel.maxAttempts}'></td></tr>\n` +
      '<tr><td>Disable Failover:</td>' +
      radio('b_sforce', bsel.noFailover) +
      '</tr>\n' +
      `<tr><td>Sticky Session:</td><td><input name='b_ss' id='b_ss' size=64 type=text value ="${bsel.stickySession ? stickyText(bsel) : ''}">&nbsp;&nbsp;&nbsp;&nbsp;(Use '-' to delete)</td></tr>\n` +
      "<tr><td colspan=2><input type=submit value='Submit'></td></tr>\n" +
      `</table>\n<input type=hidden name='b' id='b' value="${escapeHtml(bsel.name)}">\n` +
      `<input type=hidden name='nonce' id='nonce' value='${bsel.nonce}'>\n` +
      '</form>\n<hr />\n';
  }
  return `${out}</body></html>\n`;
}

/** The same facts as JSON (`?format=json`): apx's addition, in place of httpd's `?xml=1`. */
export function renderJson(p: PageInput): string {
  return `${JSON.stringify(
    {
      server: p.serverName,
      balancers: p.balancers.map((b) => ({
        name: `balancer://${b.name}`,
        nonce: b.nonce,
        stickySession: b.stickySession,
        noFailover: b.noFailover,
        timeout: b.timeout,
        maxAttempts: b.maxAttempts,
        lbmethod: b.method.name,
        path: p.paths.get(b.name.toLowerCase()) ?? null,
        members: b.members.map((w) => ({
          name: w.name,
          route: w.route,
          redirect: w.redirect,
          loadFactor: w.lbfactor / 100,
          lbset: w.lbset,
          status: statusText(w).trim(),
          flags: { ...w.status, hcFailed: w.hcFailed },
          usable: w.usable,
          elected: w.elected,
          busy: w.busy,
          lbstatus: w.lbstatus,
          transferred: w.transferred,
          read: w.read,
          healthCheck: p.hc?.(w) ?? null,
        })),
      })),
    },
    null,
    2,
  )}\n`;
}
