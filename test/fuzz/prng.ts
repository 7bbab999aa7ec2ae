/**
 * A tiny deterministic PRNG for the fuzz tests: mulberry32 (Tommy Ettinger's 32-bit generator), enough for
 * choosing mutations, not for anything that needs statistical quality. Same seed, same sequence, on every machine.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)]!;
    },
    chance: (p: number) => next() < p,
  };
}

/** Mix a run seed and an iteration number into the seed of that iteration, so iteration i alone can be replayed. */
export function iterationSeed(seed: number, iteration: number): number {
  let h = (seed ^ Math.imul(iteration + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** `APX_FUZZ_SEED` as decimal or 0x-hex; `fallback` when unset. */
export function seedFromEnv(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback >>> 0;
  const n = Number(value.trim());
  if (!Number.isFinite(n) || !Number.isInteger(n)) throw new Error(`APX_FUZZ_SEED must be an integer (decimal or 0x…), not ${JSON.stringify(value)}`);
  return n >>> 0;
}
