/**
 * mod_proxy_balancer.c balancer_process_balancer_worker: apply the manager's form fields to a member (`w_*`) and
 * its balancer (`b_*`). Only called once the nonce matched. Out-of-range values are ignored field by field, as
 * httpd does; changes take effect for the next request.
 */
import { lbMethod, type BalancerRuntime } from '../balancer.js';
import type { MemberStatus } from '../../model/types.js';
import type { Worker } from '../worker.js';

export type Params = ReadonlyMap<string, string>;

/** push2table: `k=v&k=v`, each side %-decoded (ap_unescape_url: `+` stays `+`); later keys replace earlier ones. */
export function parseParams(input: string | null, allowed: readonly string[] | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!input) return out;
  for (const part of input.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = unescape(eq >= 0 ? part.slice(0, eq) : part);
    const val = unescape(eq >= 0 ? part.slice(eq + 1) : '');
    if (key === null || val === null) continue;
    if (allowed === null || allowed.includes(key)) out.set(key, val);
  }
  return out;
}

function unescape(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** atoi: leading digits (with a sign), else 0. */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** atof, as far as a loadfactor needs it. */
function atof(s: string): number {
  const m = /^\s*([+-]?(\d+\.?\d*|\.\d+))/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** `w_status_X` → the flag it sets (proxy_util.c wstat_tbl; C is mod_proxy_hcheck's, kept on the worker). */
const STATUS_FIELDS: readonly [string, keyof MemberStatus][] = [
  ['w_status_I', 'ignoreErrors'],
  ['w_status_N', 'drain'],
  ['w_status_D', 'disabled'],
  ['w_status_H', 'hotStandby'],
  ['w_status_R', 'hotSpare'],
  ['w_status_S', 'stopped'],
];

/** What changed, for the error log (httpd logs AH01192/AH01193 at debug). */
export interface EditResult {
  readonly changed: string[];
}

/** Health-check fields (`w_hm`, `w_hi`, `w_hp`, `w_hf`, `w_hu`, `w_he`, `w_status_C`), when hcheck is on. */
export type HcEditor = (w: Worker, params: Params) => string[];

export function applyEdits(bsel: BalancerRuntime, wsel: Worker | null, params: Params, hcEdit: HcEditor | null): EditResult {
  const changed: string[] = [];
  if (wsel) {
    const wasUsable = wsel.usable;
    let val = params.get('w_lf');
    if (val !== undefined) {
      // httpd: ival = atof(val) * 100, accepted when 100..10000, then recalc_factors.
      const ival = Math.trunc(atof(val) * 100);
      if (ival >= 100 && ival <= 10000) {
        wsel.lbfactor = ival;
        recalcFactors(bsel);
        changed.push(`loadfactor=${ival / 100}`);
      }
    }
    val = params.get('w_wr');
    if (val !== undefined) {
      wsel.route = val.length < 96 ? val : '';
      changed.push(`route=${wsel.route}`);
    }
    val = params.get('w_rr');
    if (val !== undefined) {
      wsel.redirect = val.length < 96 ? val : '';
      changed.push(`redirect=${wsel.redirect}`);
    }
    for (const [field, flag] of STATUS_FIELDS) {
      val = params.get(field);
      if (val === undefined) continue;
      wsel.status[flag] = atoi(val) !== 0;
      changed.push(`${field.slice(-1)}=${wsel.status[flag] ? 1 : 0}`);
    }
    if (hcEdit) changed.push(...hcEdit(wsel, params));
    val = params.get('w_ls');
    if (val !== undefined) {
      const ival = atoi(val);
      if (ival >= 0 && ival <= 99) {
        wsel.lbset = ival;
        changed.push(`lbset=${ival}`);
      }
    }
    // A member that comes back resets the lbmethod's scores (need_reset), so it does not get a burst of requests.
    if (!wasUsable && wsel.usable) bsel.needReset = true;
  }
  let val = params.get('b_lbm');
  if (val !== undefined && val !== bsel.method.name) {
    const m = lbMethod(val);
    if (m) {
      bsel.method = m;
      bsel.needReset = true;
      changed.push(`lbmethod=${m.name}`);
    }
  }
  val = params.get('b_tmo');
  if (val !== undefined) {
    const ival = atoi(val);
    if (ival >= 0 && ival <= 7200) bsel.timeout = ival;
  }
  val = params.get('b_max');
  if (val !== undefined) {
    const ival = atoi(val);
    if (ival >= 0 && ival <= 99) bsel.maxAttempts = ival;
  }
  val = params.get('b_sforce');
  if (val !== undefined) bsel.noFailover = atoi(val) !== 0;
  val = params.get('b_ss');
  if (val) {
    // `-` deletes; `A|B` is cookie | path parameter (the page shows it with spaces around the bar).
    bsel.stickySession = val === '-' ? null : val.replace(/\s*\|\s*/, '|');
    changed.push(`stickysession=${bsel.stickySession ?? '-'}`);
  }
  return { changed };
}

/** recalc_factors: every member's lbstatus starts again from its lbfactor (a lone member: 100). */
function recalcFactors(b: BalancerRuntime): void {
  if (b.members.length === 1) {
    const only = b.members[0]!;
    only.lbfactor = 100;
    only.lbstatus = 100;
    return;
  }
  for (const w of b.members) w.lbstatus = w.lbfactor;
}
