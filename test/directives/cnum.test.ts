import { describe, expect, it } from 'vitest';
import { cAtof, cAtoi, cAtol, parseApacheTimeout } from '../../src/directives/cnum.js';
import { editDistance } from '../../src/directives/distance.js';

describe('C number parsing', () => {
  it.each([
    ['3', 3],
    ['  42xyz', 42],
    ['-7', -7],
    ['+5', 5],
    ['soon', 0],
    ['', 0],
    ['1.5', 1],
    // (int) strtol(): a long beyond 32 bits wraps
    ['99999999999', 1215752191],
  ])('atoi(%j) = %i', (s, n) => {
    expect(cAtoi(s)).toBe(n);
  });

  it('atol keeps 64 bits and clamps', () => {
    expect(cAtol('99999999999')).toBe(99999999999);
    expect(cAtol('99999999999999999999')).toBe(Number((1n << 63n) - 1n));
  });

  it.each([
    ['1.5', 1.5],
    ['0x10', 16],
    ['1e2', 100],
    ['.5', 0.5],
    ['x', 0],
    ['-inf', -Infinity],
  ])('atof(%j) = %d', (s, n) => {
    expect(cAtof(s)).toBe(n);
  });
});

describe('parseApacheTimeout', () => {
  it.each([
    ['5', 's', 5_000_000],
    ['5', 'ms', 5_000],
    ['500ms', 's', 500_000],
    ['2mi', 's', 120_000_000],
    ['2min', 's', 120_000_000],
    ['1h', 's', 3_600_000_000],
    ['5sec', 's', 5_000_000],
    ['soon', 's', 0],
    ['', 's', 0],
    ['5m', 's', null],
    ['1x', 's', null],
    ['-5', 's', null],
    ['99999999999999999999', 's', null],
  ] as const)('%j (default %s) → %s µs', (v, unit, expected) => {
    expect(parseApacheTimeout(v, unit)).toBe(expected);
  });
});

describe('editDistance', () => {
  it.each([
    ['proxypass', 'proxypass', 0],
    ['proxypas', 'proxypass', 1],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3], // optimal string alignment: no edit after a transposition
    ['proxypassrevrese', 'proxypassreverse', 1], // one transposition
    ['', 'abc', 3],
  ])('%s → %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
  it('stops early past the limit', () => {
    expect(editDistance('aaaaaaaaaa', 'bbbbbbbbbb', 2)).toBe(3);
  });
});
