/**
 * Distribution: loadfactor 1:3 sends 25 % / 75 % of the requests to the two members, within 1 %, for one process
 * and for several processes that each keep their own byrequests state (`apx serve --workers N`, where the
 * kernel hands each connection to one worker process; see docs/balancer.md "State across workers").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BalancerRuntime } from '../../src/runtime/balancer.js';
import { Worker } from '../../src/runtime/worker.js';
import { request, startTextBackend, type Backend } from '../support/backends.js';
import { balancer, closeAll, model, route, serve, server } from './fixture.js';
import type { Balancer } from '../../src/model/types.js';

function runtime(b: Balancer): BalancerRuntime {
  return new BalancerRuntime(b, (url, scheme, i) => new Worker(url, scheme, b.members[i]!.params));
}

const oneToThree = (method = 'byrequests'): Balancer =>
  balancer('c', [
    ['http://a:80', { loadFactor: 1 }],
    ['http://b:80', { loadFactor: 3 }],
  ], { lbmethod: method });

/** A small deterministic PRNG (mulberry32), so the "which process got the connection" draw is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function share(counts: Map<string, number>, name: string, total: number): number {
  return (counts.get(name) ?? 0) / total;
}

describe('loadfactor 1:3 distribution', () => {
  it.each(['byrequests', 'bybusyness'])('%s: 10,000 picks in one process are within 1 %% of 25/75', (method) => {
    const b = runtime(oneToThree(method));
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const w = b.pick(0)!;
      counts.set(w.name, (counts.get(w.name) ?? 0) + 1);
    }
    expect(Math.abs(share(counts, 'http://a:80', 10_000) - 0.25)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(share(counts, 'http://b:80', 10_000) - 0.75)).toBeLessThanOrEqual(0.01);
    // byrequests is exact: every window of four picks is a, b, b, b in some order.
    expect(counts.get('http://a:80')).toBe(2500);
  });

  it.each([2, 4, 8])('byrequests: 10,000 requests spread over %i processes with their own state are within 1 %% of 25/75', (n) => {
    const processes = Array.from({ length: n }, () => runtime(oneToThree()));
    const next = prng(n * 7919);
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      // Uneven on purpose: the kernel does not deal connections round-robin.
      const p = processes[Math.min(n - 1, Math.floor(next() ** 1.5 * n))]!;
      const w = p.pick(0)!;
      counts.set(w.name, (counts.get(w.name) ?? 0) + 1);
    }
    expect(Math.abs(share(counts, 'http://a:80', 10_000) - 0.25)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(share(counts, 'http://b:80', 10_000) - 0.75)).toBeLessThanOrEqual(0.01);
  });
});

describe('loadfactor 1:3 through the proxy', () => {
  let a: Backend;
  let b: Backend;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTextBackend('A'), startTextBackend('B')]);
  });
  afterAll(async () => {
    await closeAll();
    await Promise.all([a.close(), b.close()]);
  });

  it('400 requests: 100 to A and 300 to B', async () => {
    const p = await serve(
      model({
        mainServer: server({ routes: [route('/', 'balancer://c/')] }),
        balancers: [balancer('c', [[`${a.url}/`, { loadFactor: 1 }], [`${b.url}/`, { loadFactor: 3 }]])],
      }),
    );
    // Sequential batches of 20 concurrent requests: concurrency must not disturb byrequests' shares.
    const got: string[] = [];
    for (let i = 0; i < 20; i++) {
      const batch = await Promise.all(Array.from({ length: 20 }, () => request(`${p.url}/x`)));
      got.push(...batch.map((r) => (r.status === 200 ? r.text : String(r.status))));
    }
    expect(got.filter((t) => t === 'A')).toHaveLength(100);
    expect(got.filter((t) => t === 'B')).toHaveLength(300);
  });
});
