import { describe, expect, it } from 'vitest';
import { fnmatch, hasWildcard } from '../../src/config/index.js';

describe('apr_fnmatch_test', () => {
  it.each([
    ['*.conf', true],
    ['a?.conf', true],
    ['[ab].conf', true],
    ['[ab.conf', false],
    ['a].conf', false],
    ['\\*.conf', false],
    ['plain/path.conf', false],
    ['dir*/x.conf', true],
  ])('%s → %s', (p, want) => expect(hasWildcard(p)).toBe(want));
});

describe('apr_fnmatch with APR_FNM_PERIOD', () => {
  it.each([
    ['*.conf', 'a.conf', true],
    ['*.conf', '.a.conf', false],
    ['.*', '.a.conf', true],
    ['*', 'anything', true],
    ['*.conf', 'a.conf.bak', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['[!a-c]x', 'dx', true],
    ['[^a]x', 'ax', false],
    ['[]]', ']', true],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
    ['[ab', '[ab', true],
  ])('%s matches %s → %s', (p, name, want) => expect(fnmatch(p, name)).toBe(want));
});
