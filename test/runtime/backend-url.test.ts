import { describe, expect, it } from 'vitest';
import { resolveBackendUrl, resolveMemberUrl } from '../../src/runtime/backend-url.js';

describe('resolveMemberUrl (a balancer member URL parsed once)', () => {
  // Every member shape the balancer accepts, and a few it refuses at request time.
  const members = [
    'http://127.0.0.1:8080',
    'http://127.0.0.1:8080/',
    'http://app.internal/base',
    'https://[::1]:8443/api/v1',
    'HTTP://Example.COM',
    'ws://h:80/socket',
    'http://user@h:81',
    'unix:/run/app.sock|http://localhost/prefix',
    'unix:/run/app.sock|http://localhost',
    'http://h:80x',
    'http://h:99999',
    'ftp://h/',
    'balancer://inner',
    'no-scheme',
  ];
  const paths = ['/', '/x', '//double', '/a%20b/c', '/%2F'];
  const queries = [null, '', 'q=1&r=%41'];

  it('gives exactly what resolving the joined URL gives, for every member, path and query', () => {
    for (const m of members) {
      for (const p of paths) {
        for (const q of queries) {
          // Twice: the first call parses and caches the member, the second uses the cache.
          for (let i = 0; i < 2; i++) {
            expect(resolveMemberUrl(m, p, q), `${m} + ${p} ? ${q}`).toEqual(resolveBackendUrl(m + p, { query: q, raw: true, keepEncodedSlashes: false }));
          }
        }
      }
    }
  });
});
