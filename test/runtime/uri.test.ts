import { describe, expect, it } from 'vitest';
import { encodePath, normalizePath, parseRequestTarget, unescapePath } from '../../src/runtime/uri.js';

describe('normalizePath (ap_normalize_path: decode unreserved, merge slashes, dot-segments)', () => {
  it.each([
    ['/a/b', '/a/b'],
    ['/a//b///c', '/a/b/c'],
    ['//a', '/a'],
    ['/a/./b', '/a/b'],
    ['/a/b/../c', '/a/c'],
    ['/a/b/..', '/a/'],
    ['/a/%2e%2E/c', '/c'],
    ['/a/.%2e/c', '/c'],
    ['/%7euser', '/~user'],
    ['/%41%42', '/AB'],
    ['/a%20b', '/a%20b'],
    ['/a%2Fb', '/a%2Fb'],
    ['/a/...', '/a/...'],
    ['/..a', '/..a'],
    ['/a/.b/c.', '/a/.b/c.'],
    ['/a.b/c-d_e~f', '/a.b/c-d_e~f'],
    ['/', '/'],
  ])('%s → %s', (input, out) => {
    expect(normalizePath(input)).toBe(out);
  });
  it('merges slashes only when asked (MergeSlashes)', () => {
    expect(normalizePath('/a//b', false)).toBe('/a//b');
    expect(normalizePath('/a//./b', false)).toBe('/a//b');
  });
  it.each([['/../x'], ['/a/../../x'], ['/%2e%2e/x'], ['x'], [''], ['/a/%zz'], ['/a%2']])('%s is refused (400)', (input) => {
    expect(normalizePath(input)).toBeNull();
  });
});

describe('unescapePath (ap_unescape_url_ex)', () => {
  it.each([
    ['/a%20b', 'off', '/a b'],
    ['/caf%C3%A9', 'off', '/café'],
    ['/a%2Fb', 'off', 404],
    ['/a%2fb', 'on', '/a/b'],
    ['/a%2Fb', 'nodecode', '/a%2Fb'],
    ['/a%00b', 'off', 404],
    ['/a%zz', 'off', 400],
  ] as const)('%s with AllowEncodedSlashes %s → %s', (input, mode, out) => {
    expect(unescapePath(input, mode)).toBe(out);
  });
});

describe('encodePath (ap_proxy_canonenc, enc_path)', () => {
  it.each([
    ['/~user/a b', '/~user/a%20b'],
    ["/!$&'()*+,;=:@", "/!$&'()*+,;=:@"],
    ['/café', '/caf%C3%A9'],
    ['/100%', '/100%25'],
    ['/a"b<c>', '/a%22b%3Cc%3E'],
    ['/q?x#y', '/q%3Fx%23y'],
    ['/plain/Path-1_2.3~x', '/plain/Path-1_2.3~x'],
    ['/a%b', '/a%25b'],
    ['', ''],
  ])('%s → %s', (input, out) => {
    expect(encodePath(input)).toBe(out);
  });
  it('keeps %2F under NoDecode', () => {
    expect(encodePath('/a%2Fb c', true)).toBe('/a%2Fb%20c');
  });
});

describe('parseRequestTarget', () => {
  it('splits path and query, decoding the path', () => {
    expect(parseRequestTarget('/a%20b/./c?x=%20&y', 'off')).toEqual({ ok: true, path: '/a b/c', rawPath: '/a%20b/./c', query: 'x=%20&y', authority: null });
  });
  it('keeps only the path of an absolute-form target; its authority is reported apart', () => {
    expect(parseRequestTarget('http://evil.example:81/app/x?q', 'off')).toEqual({ ok: true, path: '/app/x', rawPath: '/app/x', query: 'q', authority: 'evil.example:81' });
    expect(parseRequestTarget('http://h', 'off')).toMatchObject({ ok: true, path: '/', query: null });
  });
  it('answers 400 above the root and 404 for an encoded slash', () => {
    expect(parseRequestTarget('/../etc/passwd', 'off')).toMatchObject({ ok: false, status: 400 });
    expect(parseRequestTarget('/a%2Fb', 'off')).toMatchObject({ ok: false, status: 404 });
    expect(parseRequestTarget('/a%2Fb', 'on')).toMatchObject({ ok: true, path: '/a/b' });
  });
});
