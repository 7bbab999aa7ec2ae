/**
 * Balancers and their lbmethod providers, as mod_proxy_balancer + mod_lbmethod_* do it.
 *
 * The shared loop is proxy_util.c ap_proxy_balancer_get_best_worker: lbsets from 0 upward (a higher set is only
 * tried when a lower one yields nothing); draining members skipped; hot spares (R) stand in for members that are
 * not usable; hot standbys (H) only when nothing else is. Each provider only says which of two candidates is
 * better (is_best) and what happens to the winner — exactly the split httpd uses, so a provider is a few lines.
 */
import type { Balancer } from '../model/types.js';
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
};

/** mod_lbmethod_bytraffic: least (bytes out + bytes in) / lbfactor, ties to the first. */
const bytraffic: LbMethod<{ min: number }> = {
  name: 'bytraffic',
  begin: () => ({ min: 0 }),
  isBest(current, prevBest, ctx) {
    const traffic = current.transferred / current.lbfactor + current.read / current.lbfactor;
    if (!prevBest || traffic < ctx.min) {
      ctx.min = traffic;
      return true;
    }
    return false;
  },
  chosen() {},
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
  readonly method: LbMethod;
  /** Extra members one request may try after the first fails: `maxattempts`, default members − 1. */
  readonly maxAttempts: number;

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
      if (this.model.noFailover) return { worker: null, route: session.route, sticky: session.sticky, refused: true };
    }
    return { worker: this.pick(now, onForcedRecovery), route: session?.route ?? null, sticky: session?.sticky ?? null, refused: false };
  }

  /** find_session_route: the path parameter (`?`/`&`, and `;` with scolonpathdelim) first, then the cookie. */
  private sessionRoute(url: string, cookies: readonly string[]): { route: string; sticky: string } | null {
    const conf = this.model.stickySession;
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
        if (w.status.hotStandby !== standby || w.params.route !== route) continue;
        if (!w.usable) w.tryRecover(now);
        if (w.usable) return w;
        if (w.params.redirect && depth < this.members.length) {
          const r = this.routeWorker(w.params.redirect, now, depth + 1);
          if (r && !r.usable) r.tryRecover(now);
          return r && r.usable ? r : null;
        }
      }
    }
    return null;
  }

  /** Pick a member, or null when none is usable (httpd: 503, AH01167 "All workers are in error state"). */
  pick(now: number, onForcedRecovery?: (names: string[]) => void): Worker | null {
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
