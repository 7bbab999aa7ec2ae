/**
 * The URL helpers the proxy rules share (src/lint/paths.ts). balancerKey() and urlKey() scan by hand instead of
 * running a regular expression per URL; the rows pin what mod_proxy compares, and seeded random strings check the
 * hand-written scans against the regular-expression definitions they replace.
 */
import { describe, expect, it } from 'vitest';
import { balancerKey, splitUrl, urlKey, urlPathEndsWithSlash } from '../../src/lint/paths.js';
import { mulberry32 } from '../fuzz/prng.js';

/** The definitions: what the rules meant before the scans were written by hand. */
const balancerKeyByRegex = (url: string): string | null => {
  const m = /^balancer:\/\/([^/?#\s]*)/i.exec(url);
  return m ? `balancer://${m[1]!.toLowerCase()}` : null;
};
const urlKeyBySplit = (url: string): string => {
  const s = splitUrl(url);
  return s ? s.origin + s.path.replace(/\/+$/, '') : url;
};

describe('balancerKey', () => {
  it.each([
    ['balancer://p1/api/', 'balancer://p1'],
    ['balancer://p1', 'balancer://p1'],
    ['BALANCER://MyCluster?x', 'balancer://mycluster'],
    ['Balancer://a#frag', 'balancer://a'],
    ['balancer://a b', 'balancer://a'],
    ['balancer://a\u00a0b', 'balancer://a'],
    ['balancer://', 'balancer://'],
    ['balancer:/x', null],
    ['http://balancer', null],
    ['balancer', null],
    ['', null],
  ] as const)('%j → %j', (url, key) => {
    expect(balancerKey(url)).toBe(key);
  });

  it('agrees with /^balancer:\\/\\/([^/?#\\s]*)/i on 50,000 seeded strings', () => {
    const rng = mulberry32(1125);
    const parts = ['balancer://', 'BALANCER://', 'Balancer:/', 'b', 'B', 'a', 'L', ':', '/', '?', '#', ' ', '\t', '\u00a0', '\u2028', '\ufeff', 'x', 'Z', '\u017f', '\u212a', 'é'];
    for (let n = 0; n < 50_000; n++) {
      let s = '';
      for (let i = rng.int(0, 6); i > 0; i--) s += rng.pick(parts);
      expect(balancerKey(s), JSON.stringify(s)).toBe(balancerKeyByRegex(s));
    }
  });
});

describe('urlKey and urlPathEndsWithSlash', () => {
  it.each([
    ['http://Backend:8080/App/', 'http://backend:8080/App'],
    ['http://b/', 'http://b'],
    ['http://b//', 'http://b'],
    ['http://b', 'http://b'],
    ['HTTP://B/x?y/', 'http://b/x?y'],
    ['/local/path/', '/local/path/'],
    ['!', '!'],
    ['http://b/\nx', 'http://b/\nx'],
  ] as const)('urlKey(%j) = %j', (url, key) => {
    expect(urlKey(url)).toBe(key);
  });

  it.each([
    ['http://b/', true],
    ['http://b/x', false],
    ['http://b', false],
    ['http://b/x/', true],
    ['/x/', null],
    ['unix:/run/s.sock|http://x/', null],
  ] as const)('urlPathEndsWithSlash(%j) = %j', (url, slash) => {
    expect(urlPathEndsWithSlash(url)).toBe(slash);
  });

  it('agree with splitUrl() on 50,000 seeded strings', () => {
    const rng = mulberry32(2026);
    const parts = ['http', 'HTTP', 'h2c', '://', ':', '/', '//', 'a', 'B', '1', '?', '#', '\n', '\u2028', 'İ', 'x.Y', ':80', '+', '-', '.', 'é'];
    for (let n = 0; n < 50_000; n++) {
      let s = '';
      for (let i = rng.int(0, 8); i > 0; i--) s += rng.pick(parts);
      expect(urlKey(s), JSON.stringify(s)).toBe(urlKeyBySplit(s));
      const split = splitUrl(s);
      expect(urlPathEndsWithSlash(s), JSON.stringify(s)).toBe(split === null ? null : split.path.endsWith('/'));
    }
  });
});
