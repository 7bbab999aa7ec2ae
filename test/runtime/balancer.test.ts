import { describe, expect, it, vi } from 'vitest';
import { BalancerRuntime, lbMethodNames, registerLbMethod } from '../../src/runtime/balancer.js';
import { Worker } from '../../src/runtime/worker.js';
import { balancer } from './fixture.js';
import type { Balancer, WorkerParams } from '../../src/model/types.js';

function runtime(b: Balancer): BalancerRuntime {
  return new BalancerRuntime(b, (url, scheme, i) => new Worker(url, scheme, b.members[i]!.params));
}

function names(b: BalancerRuntime, n: number, now = 0): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(b.pick(now)?.name ?? '-');
  return out;
}

/**
 * The byrequests algorithm exactly as APACHE-FACTS.md "Balancing" states it, written independently of the
 * runtime: every usable member gains its lbfactor, the highest wins (ties: first), the winner loses the total.
 */
function reference(factors: number[], n: number): number[] {
  const status = factors.map(() => 0);
  const picks: number[] = [];
  for (let k = 0; k < n; k++) {
    let total = 0;
    let best = -1;
    factors.forEach((f, i) => {
      status[i]! += f;
      total += f;
      if (best < 0 || status[i]! > status[best]!) best = i;
    });
    status[best]! -= total;
    picks.push(best);
  }
  return picks;
}

const letters = 'abcdef';
function members(factors: number[]): [string, Partial<WorkerParams>][] {
  return factors.map((f, i) => [`http://${letters[i]}:80`, { loadFactor: f }]);
}

describe('byrequests', () => {
  it.each([[[1, 1]], [[3, 1]], [[1, 2, 3]], [[1, 2, 1]], [[5, 1, 1, 2]]])('lbfactors %j follow the reference sequence', (factors) => {
    const b = runtime(balancer('c', members(factors)));
    const expected = reference(factors, 24).map((i) => `http://${letters[i]}:80`);
    expect(names(b, 24)).toEqual(expected);
  });

  it('matches the sequences stated in APACHE-FACTS.md', () => {
    const short = (xs: string[]): string => xs.map((u) => u[7]).join('');
    expect(short(names(runtime(balancer('c', members([1, 1]))), 4))).toBe('abab');
    expect(short(names(runtime(balancer('c', members([1, 2, 1]))), 4))).toBe('bacb');
  });

  it('gives each member its share over a full cycle (3:1 → 3 and 1 of every 4)', () => {
    const picks = names(runtime(balancer('c', members([3, 1]))), 40);
    expect(picks.filter((p) => p === 'http://a:80')).toHaveLength(30);
  });

  it('skips disabled/stopped members and keeps draining ones out', () => {
    const b = runtime(balancer('c', [['http://a:80', {}, { disabled: true }], ['http://b:80', {}], ['http://c:80', {}, { drain: true }], ['http://d:80', {}, { stopped: true }]]));
    expect(new Set(names(b, 6))).toEqual(new Set(['http://b:80']));
  });

  it('uses a higher lbset only when the lower one yields nothing', () => {
    const b = runtime(balancer('c', [['http://a:80', { lbset: 1 }], ['http://b:80', { lbset: 0 }]]));
    expect(names(b, 3)).toEqual(['http://b:80', 'http://b:80', 'http://b:80']);
    b.members[1]!.markError(0);
    expect(names(b, 2, 1000)).toEqual(['http://a:80', 'http://a:80']);
  });

  it('hot standby only when nothing else is usable; hot spare stands in for an unusable member', () => {
    const standby = runtime(balancer('c', [['http://a:80', {}], ['http://s:80', {}, { hotStandby: true }]]));
    expect(names(standby, 2)).toEqual(['http://a:80', 'http://a:80']);
    standby.members[0]!.markError(0);
    expect(names(standby, 1, 1)).toEqual(['http://s:80']);

    const spare = runtime(balancer('c', [['http://a:80', {}], ['http://b:80', {}], ['http://r:80', {}, { hotSpare: true }]]));
    expect(new Set(names(spare, 4))).toEqual(new Set(['http://a:80', 'http://b:80']));
    spare.members[0]!.markError(0);
    expect(new Set(names(spare, 4, 1))).toEqual(new Set(['http://b:80', 'http://r:80']));
  });

  it('an errored member comes back after retry seconds', () => {
    const b = runtime(balancer('c', [['http://a:80', { retry: 5 }], ['http://b:80', {}]]));
    b.members[0]!.markError(1_000);
    expect(names(b, 2, 2_000)).toEqual(['http://b:80', 'http://b:80']);
    expect(names(b, 4, 6_001)).toContain('http://a:80');
  });

  it('forcerecovery: all in error → all retried; Off → none', () => {
    const on = runtime(balancer('c', ['http://a:80', 'http://b:80']));
    for (const m of on.members) m.markError(0);
    expect(on.pick(1)).not.toBeNull();
    const off = runtime(balancer('c', ['http://a:80', 'http://b:80'], { forceRecovery: false }));
    for (const m of off.members) m.markError(0);
    expect(off.pick(1)).toBeNull();
  });

  it('status I (ignore errors) keeps a member out of error', () => {
    const b = runtime(balancer('c', [['http://a:80', {}, { ignoreErrors: true }]]));
    expect(b.members[0]!.markError(0)).toBe(false);
    expect(b.members[0]!.usable).toBe(true);
  });

  it('maxattempts defaults to members − 1', () => {
    expect(runtime(balancer('c', ['http://a:80', 'http://b:80', 'http://c:80'])).maxAttempts).toBe(2);
    expect(runtime(balancer('c', ['http://a:80'], { maxAttempts: 3 })).maxAttempts).toBe(3);
  });
});

describe('bybusyness and bytraffic', () => {
  it('bybusyness picks the least busy, byrequests breaking ties', () => {
    const b = runtime(balancer('c', ['http://a:80', 'http://b:80'], { lbmethod: 'bybusyness' }));
    b.members[0]!.busy = 2;
    expect(names(b, 2)).toEqual(['http://b:80', 'http://b:80']);
    b.members[0]!.busy = 0;
    b.members[1]!.busy = 0;
    // Scores kept accumulating while a was busy (a: +2, b: +2 − 4), so a catches up before b is picked again.
    expect(names(b, 4)).toEqual(['http://a:80', 'http://a:80', 'http://a:80', 'http://b:80']);
  });

  it('bytraffic picks the least out/lbfactor + in/lbfactor, with httpd integer division (lbfactor ×100)', () => {
    const b = runtime(balancer('c', [['http://a:80', { loadFactor: 2 }], ['http://b:80', {}]], { lbmethod: 'bytraffic' }));
    b.members[0]!.read = 30000; // 30000 / 200 = 150
    b.members[1]!.read = 10000; // 10000 / 100 = 100
    expect(b.pick(0)?.name).toBe('http://b:80');
    b.members[1]!.transferred = 10000; // 200
    expect(b.pick(0)?.name).toBe('http://a:80');
    // 399 / 200 truncates to 1, as 100 / 100: a tie goes to the first member.
    b.members[0]!.read = 399;
    b.members[1]!.read = 100;
    b.members[1]!.transferred = 0;
    expect(b.pick(0)?.name).toBe('http://a:80');
  });
});

describe('balancer timeout (find_best_worker waits for a usable member)', () => {
  it('picks a member that becomes usable within the timeout; null after it; no wait without one', async () => {
    vi.useFakeTimers();
    try {
      const b = runtime(balancer('c', [['http://a:80', {}, { disabled: true }]], { timeout: 1 }));
      const waiting = b.chooseWaiting('/', []);
      await vi.advanceTimersByTimeAsync(55);
      b.members[0]!.status.disabled = false;
      await vi.advanceTimersByTimeAsync(10);
      expect((await waiting).worker?.name).toBe('http://a:80');

      b.members[0]!.status.disabled = true;
      let settled = false;
      const none = Promise.resolve(b.chooseWaiting('/', [])).then((c) => ((settled = true), c));
      await vi.advanceTimersByTimeAsync(900);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(200);
      expect((await none).worker).toBeNull();

      // Without a timeout the answer comes at once, not as a promise.
      const noTimeout = runtime(balancer('c', [['http://a:80', {}, { disabled: true }]]));
      const immediate = noTimeout.chooseWaiting('/', []);
      expect(immediate).not.toBeInstanceOf(Promise);
      expect((await immediate).worker).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('lbmethod registry', () => {
  it('knows the three httpd methods and takes new ones by name', () => {
    expect(lbMethodNames()).toEqual(expect.arrayContaining(['byrequests', 'bybusyness', 'bytraffic']));
    registerLbMethod({ name: 'lastone', begin: () => null, isBest: () => true, chosen: () => {} });
    expect(runtime(balancer('c', ['http://a:80', 'http://b:80'], { lbmethod: 'LastOne' })).pick(0)?.name).toBe('http://b:80');
  });
  it('refuses an unknown lbmethod at start-up', () => {
    expect(() => runtime(balancer('c', ['http://a:80'], { lbmethod: 'nope' }))).toThrow(/unknown lbmethod "nope"/);
  });
});

describe('sticky sessions (find_session_route)', () => {
  const sticky = (over: Partial<Balancer> = {}, a: Partial<WorkerParams> = {}, aStatus: Partial<WorkerParams['status']> = {}) =>
    runtime(
      balancer('c', [['http://a:80', { route: 'a1', ...a }, aStatus], ['http://b:80', { route: 'b1' }]], { stickySession: 'JSESSIONID|jsessionid', ...over }),
    );

  it.each([
    ['a cookie routes to its member', '/x', ['JSESSIONID=xyz.b1'], 'http://b:80'],
    ['a quoted cookie among others', '/x', ['theme=dark; JSESSIONID="xyz.a1"'], 'http://a:80'],
    ['a path parameter wins over the cookie', '/x;jsessionid=xyz.a1', ['JSESSIONID=xyz.b1'], 'http://a:80'],
    ['a query parameter', '/x?jsessionid=xyz.b1&y=1', [], 'http://b:80'],
  ])('%s', (_n, url, cookies, expected) => {
    const b = sticky();
    for (let i = 0; i < 3; i++) expect(b.choose(url, cookies, 0).worker?.name).toBe(expected);
  });

  it('no route after the separator, or an unknown route: balanced as usual', () => {
    expect(sticky().choose('/x', ['JSESSIONID=nodot'], 0).route).toBeNull();
    const b = sticky();
    const seq = [0, 1, 2, 3].map(() => b.choose('/x', ['JSESSIONID=xyz.zz'], 0).worker?.name);
    expect(seq).toEqual(['http://a:80', 'http://b:80', 'http://a:80', 'http://b:80']);
  });

  it('a session member that is down: another member, or 503 with nofailover', () => {
    const moved = sticky({}, {}, { disabled: true });
    expect(moved.choose('/x', ['JSESSIONID=s.a1'], 0).worker?.name).toBe('http://b:80');
    const refused = sticky({ noFailover: true }, {}, { disabled: true });
    expect(refused.choose('/x', ['JSESSIONID=s.a1'], 0)).toMatchObject({ worker: null, refused: true, route: 'a1' });
  });

  it('an unusable session member hands over to its redirect= member', () => {
    const b = runtime(
      balancer('c', [['http://a:80', { route: 'a1', redirect: 'c1' }, { disabled: true }], ['http://b:80', { route: 'b1' }], ['http://c:80', { route: 'c1' }]], {
        stickySession: 'JSESSIONID',
        noFailover: true,
      }),
    );
    expect(b.choose('/x', ['JSESSIONID=s.a1'], 0).worker?.name).toBe('http://c:80');
  });
});
