/**
 * Balancers and their lbmethod providers, as mod_proxy_balancer + mod_lbmethod_* do it.
 *
 * The shared loop is proxy_util.c ap_proxy_balancer_get_best_worker: lbsets from 0 upward (a higher set is only
 * tried when a lower one yields nothing); draining members skipped; hot spares (R) stand in for members that are
 * not usable; hot standbys (H) only when nothing else is. Each provider only says which of two candidates is
 * better (is_best) and what happens to the winner — exactly the split httpd uses, so a provider is a few lines.
 */
import type { Balancer } from '../model/types.js';
import { randomUUID } from 'node:crypto';
import { StartupError } from './startup-error.js';
import { Worker } from './worker.js';

/** An lbmethod provider (ap_register_provider(p, PROXY_LBMETHOD, name, …)). */
export interface LbMethod<Ctx = unknown> {
  readonly name: string;
  /** Fresh per-selection state (httpd's baton). */
  begin(): Ctx;
  /** Called for each usable candidate in config order; true when `current` beats `prevBest`. May update scores. */
  isBest(current: Worker, prevBest: Worker | null, ctx: Ctx): boolean;
  /** Bookkeeping on the winner. */
  chosen(winner: Worker, ctx: Ctx): void;
  /**
   * The provider's `reset`: called before the next pick after a member was re-enabled or the lbmethod changed
   * from the balancer-manager (mod_proxy_balancer.c `need_reset`).
   */
  reset?(members: readonly Worker[]): void;
}

interface FactorCtx {
  total: number;
}

/** mod_lbmethod_byrequests: weighted round robin by lbstatus, ties to the first in config order. */
const byrequests: LbMethod<FactorCtx> = {
  name: 'byrequests',
  begin: () => ({ total: 0 }),
  isBest(current, prevBest, ctx) {
    current.lbstatus += current.lbfactor;
    ctx.total += current.lbfactor;
    return !prevBest || current.lbstatus > prevBest.lbstatus;
  },
  chosen(winner, ctx) {
    winner.lbstatus -= ctx.total;
  },
  // mod_lbmethod_byrequests.c reset: every lbstatus back to 0.
  reset(members) {
    for (const w of members) w.lbstatus = 0;
  },
};

/** mod_lbmethod_bybusyness: fewest in-flight requests, byrequests' score as the tie-break. */
const bybusyness: LbMethod<FactorCtx> = {
  name: 'bybusyness',
  begin: () => ({ total: 0 }),
  isBest(current, prevBest, ctx) {
    current.lbstatus += current.lbfactor;
    ctx.total += current.lbfactor;
    return (
      !prevBest ||
      current.busy < prevBest.busy ||
      (current.busy === prevBest.busy && current.lbstatus > prevBest.lbstatus)
    );
  },
  chosen(winner, ctx) {
    winner.lbstatus -= ctx.total;
  },
  reset(members) {
    for (const w of members) w.lbstatus = 0;
  },
};

/** mod_lbmethod_bytraffic: least (bytes out + bytes in) / lbfactor, ties to the first. */
const bytraffic: LbMethod<{ min: number }> = {
  name: 'bytraffic',
  begin: () => ({ min: 0 }),
  isBest(current, prevBest, ctx) {
    // Integer divisions, as httpd's apr_off_t arithmetic (lbfactor is ×100, so this is per 100 bytes of weight).
    const traffic = Math.trunc(current.transferred / current.lbfactor) + Math.trunc(current.read / current.lbfactor);
    if (!prevBest || traffic < ctx.min) {
      ctx.min = traffic;
      return true;
    }
    return false;
  },
  chosen() {},
  // mod_lbmethod_bytraffic.c reset: the traffic counters start again.
  reset(members) {
    for (const w of members) {
      w.transferred = 0;
      w.read = 0;
    }
  },
};

const registry = new Map<string, LbMethod>();

/** Register an lbmethod under its `lbmethod=` name (case-insensitive). */
export function registerLbMethod<Ctx>(method: LbMethod<Ctx>): void {
  registry.set(method.name.toLowerCase(), method as unknown as LbMethod);
}

export function lbMethod(name: string): LbMethod | undefined {
  return registry.get(name.toLowerCase());
}

export function lbMethodNames(): string[] {
  return [...registry.keys()];
}

registerLbMethod(byrequests);
registerLbMethod(bybusyness);
registerLbMethod(bytraffic);

export interface StickyChoice {
  readonly worker: Worker | null;
  /** The session's route, when the request carried one. */
  readonly route: string | null;
  /** Which name carried it (the cookie or the path parameter). */
  readonly sticky: string | null;
  /** nofailover refused to move the session to another member. */
  readonly refused: boolean;
}

/** get_path_param: `name=value` anywhere in the URL, the value ending at `?`/`&` (and `;` with scolonpathdelim). */
function pathParam(url: string, name: string, scolon: boolean): string | null {
  if (!name) return null;
  const delims = scolon ? /[;?&]/ : /[?&]/;
  for (let at = url.indexOf(name); at >= 0; at = url.indexOf(name, at + 1)) {
    const after = at + name.length;
    if (url[after] === '=' && after + 1 < url.length) {
      const rest = url.slice(after + 1).replace(/^[;?&]+/, '');
      const v = rest.split(delims)[0] ?? '';
      return v || null;
    }
  }
  return null;
}

/** get_cookie_param: the first cookie of that name, quotes removed. */
function cookieParam(cookies: readonly string[], name: string): string | null {
  for (const header of cookies) {
    for (const part of header.split(/[;,]/)) {
      const i = part.indexOf('=');
      if (i < 0 || part.slice(0, i).trim() !== name) continue;
      return part.slice(i + 1).trim().replace(/^"(.*)"$/, '$1');
    }
  }
  return null;
}

export class BalancerRuntime {
  readonly members: readonly Worker[];
  /** The balancer's settings below start from the model and may be edited from the balancer-manager. */
  method: LbMethod;
  /** Extra members one request may try after the first fails: `maxattempts`, default members − 1. */
  maxAttempts: number;
  /** Seconds to wait for a free member (`timeout`). */
  timeout: number;
  /** `stickysession`: `COOKIE` or `COOKIE|PATHPARAM`; null when none. */
  stickySession: string | null;
  /** `nofailover`. */
  noFailover: boolean;
  /**
   * A random UUID for this balancer's life (mod_proxy_balancer.c ap_proxy_define_balancer: apr_uuid_get): the
   * balancer-manager accepts edits only with it, so a page from elsewhere cannot submit them (CSRF).
   */
  readonly nonce: string = randomUUID();
  /** Set when a member became usable again from the manager or the lbmethod changed: reset before the next pick. */
  needReset = false;

  constructor(
    readonly model: Balancer,
    makeWorker: (url: string, scheme: string, index: number) => Worker,
  ) {
    this.members = model.members.map((m, i) => makeWorker(m.url, m.target.scheme, i));
    const method = lbMethod(model.lbmethod);
    if (!method) {
      throw new StartupError(`balancer://${model.name}: unknown lbmethod "${model.lbmethod}"`, `use one of: ${lbMethodNames().join(', ')}`);
    }
    this.method = method;
    this.maxAttempts = model.maxAttempts ?? Math.max(0, this.members.length - 1);
    this.timeout = model.timeout;
    this.stickySession = model.stickySession;
    this.noFailover = model.noFailover;
  }

  /** The member with this URL (the manager's `w=`), compared as httpd does (ap_proxy_get_worker: case-insensitive). */
  member(url: string): Worker | null {
    const want = url.toLowerCase().replace(/\/+$/, '');
    return this.members.find((w) => w.name.toLowerCase().replace(/\/+$/, '') === want) ?? null;
  }

  get name(): string {
    return this.model.name;
  }

  /**
   * mod_proxy_balancer.c force_recovery: when every member is in error (after their retry time is honoured),
   * `forcerecovery On` (the default) clears them all so the request is tried rather than refused.
   */
  private forceRecovery(now: number): string[] {
    const recovered: string[] = [];
    for (const w of this.members) {
      w.tryRecover(now);
      if (!w.status.inError) return recovered;
    }
    if (!this.model.forceRecovery) return recovered;
    for (const w of this.members) {
      w.retries++;
      w.status.inError = false;
      recovered.push(w.name);
    }
    return recovered;
  }

  /**
   * mod_proxy_balancer.c proxy_balancer_pre_request: a sticky session's route first (find_session_route), else
   * the lbmethod. `url` is the balancer URL the route produced (path and query), `cookies` the Cookie headers.
   */
  choose(url: string, cookies: readonly string[], now: number, onForcedRecovery?: (names: string[]) => void): StickyChoice {
    const session = this.sessionRoute(url, cookies);
    if (session) {
      const w = this.routeWorker(session.route, now, 0);
      if (w) {
        // The session's member still counts for the lbmethod, as httpd's default updatelbstatus does.
        let total = 0;
        for (const m of this.members) {
          if (m.usable) {
            m.lbstatus += m.lbfactor;
            total += m.lbfactor;
          }
        }
        w.lbstatus -= total;
        w.elected++;
        return { worker: w, route: session.route, sticky: session.sticky, refused: false };
      }
      // nofailover: a session whose member is gone is refused (AH01161) rather than moved.
      if (this.noFailover) return { worker: null, route: session.route, sticky: session.sticky, refused: true };
    }
    return { worker: this.pick(now, onForcedRecovery), route: session?.route ?? null, sticky: session?.sticky ?? null, refused: false };
  }

  /**
   * choose(), and when no member is usable and the balancer has a `timeout`, look again every timeout/100 until
   * one is or the timeout has passed (mod_proxy_balancer.c find_best_worker). Without a timeout: choose() as is.
   * A choice made at once is returned as is, not as a Promise: that is every request but the waiting ones, and
   * sparing them a promise turn is measurable (docs/performance.md).
   */
  chooseWaiting(url: string, cookies: readonly string[], onForcedRecovery?: (names: string[]) => void): StickyChoice | Promise<StickyChoice> {
    const choice = this.choose(url, cookies, Date.now(), onForcedRecovery);
    if (choice.worker || choice.refused || this.timeout <= 0) return choice;
    return this.waitForMember(choice, url, cookies, onForcedRecovery);
  }

  private async waitForMember(first: StickyChoice, url: string, cookies: readonly string[], onForcedRecovery?: (names: string[]) => void): Promise<StickyChoice> {
    let choice = first;
    const timeoutMs = this.timeout * 1000;
    const step = Math.max(1, timeoutMs / 100);
    for (let waited = 0; waited < timeoutMs && !choice.worker; waited += step) {
      await new Promise((resolve) => setTimeout(resolve, step));
      choice = this.choose(url, cookies, Date.now(), onForcedRecovery);
      if (choice.refused) break;
    }
    return choice;
  }

  /** find_session_route: the path parameter (`?`/`&`, and `;` with scolonpathdelim) first, then the cookie. */
  private sessionRoute(url: string, cookies: readonly string[]): { route: string; sticky: string } | null {
    const conf = this.stickySession;
    if (!conf) return null;
    const bar = conf.indexOf('|');
    const cookieName = bar >= 0 ? conf.slice(0, bar) : conf;
    const pathName = bar >= 0 ? conf.slice(bar + 1) : conf;
    let value = pathParam(url, pathName, this.model.scolonPathDelim);
    let sticky = pathName;
    if (value === null) {
      value = cookieParam(cookies, cookieName);
      sticky = cookieName;
    }
    if (value === null) return null;
    const sep = this.model.stickySessionSep;
    if (sep) {
      const i = value.indexOf(sep);
      if (i < 0) return null;
      value = value.slice(i + sep.length);
    }
    return value ? { route: value, sticky } : null;
  }

  /**
   * find_route_worker: the member whose `route=` matches — non-standby members first, then hot standbys; an
   * unusable one hands over to its `redirect=` member (no cycles).
   */
  private routeWorker(route: string, now: number, depth: number): Worker | null {
    for (const standby of [false, true]) {
      for (const w of this.members) {
        if (w.status.hotStandby !== standby || w.route !== route) continue;
        if (!w.usable) w.tryRecover(now);
        if (w.usable) return w;
        if (w.redirect && depth < this.members.length) {
          const r = this.routeWorker(w.redirect, now, depth + 1);
          if (r && !r.usable) r.tryRecover(now);
          return r && r.usable ? r : null;
        }
      }
    }
    return null;
  }

  /** Pick a member, or null when none is usable (httpd: 503, AH01167 "All workers are in error state"). */
  pick(now: number, onForcedRecovery?: (names: string[]) => void): Worker | null {
    if (this.needReset) {
      this.needReset = false;
      this.method.reset?.(this.members);
    }
    const forced = this.forceRecovery(now);
    if (forced.length && onForcedRecovery) onForcedRecovery(forced);
    const best = this.bestWorker(now);
    if (best) best.elected++;
    return best;
  }

  /** proxy_util.c ap_proxy_balancer_get_best_worker. */
  private bestWorker(now: number): Worker | null {
    const method = this.method;
    const ctx = method.begin();
    let best: Worker | null = null;
    let maxLbset = 0;
    let curLbset = 0;
    do {
      const spares: Worker[] = [];
      const standbys: Worker[] = [];
      let unusable = 0;
      for (const w of this.members) {
        if (w.lbset > maxLbset) maxLbset = w.lbset;
        if (w.lbset !== curLbset) continue;
        if (w.status.drain) continue;
        if (!w.usable) w.tryRecover(now);
        if (w.status.hotSpare) spares.push(w);
        else if (w.status.hotStandby) standbys.push(w);
        else if (w.usable) {
          if (method.isBest(w, best, ctx)) best = w;
        } else unusable++;
      }
      // Hot spares fill in for as many unusable members as there are.
      if (unusable > 0) {
        for (const w of spares) {
          if (unusable === 0) break;
          if (!w.usable) w.tryRecover(now);
          if (w.usable) {
            if (method.isBest(w, best, ctx)) best = w;
            unusable--;
          }
        }
      }
      if (!best) {
        for (const w of standbys) {
          if (!w.usable) w.tryRecover(now);
          if (w.usable && method.isBest(w, best, ctx)) best = w;
        }
      }
      curLbset++;
    } while (curLbset <= maxLbset && !best);
    if (best) method.chosen(best, ctx);
    return best;
  }

  destroy(): void {
    for (const w of this.members) w.destroy();
  }
}
