/**
 * src/runtime/tls-sni.ts clientHelloSni: the server_name of a real ClientHello (Node's own client, captured from
 * the wire), however the bytes arrive — byte by byte, or with the handshake message split over two TLS records
 * (RFC 8446 §5.1 allows it) — and null for anything that is not a ClientHello with SNI.
 */
import { createServer, type AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientHelloSni, sniMatcher } from '../../src/runtime/tls-sni.js';

/** The first bytes Node's TLS client sends (its ClientHello), with or without SNI. */
async function capture(servername: string | undefined): Promise<Buffer> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const got = new Promise<Buffer>((resolve) =>
    server.once('connection', (s) => {
      let buf = Buffer.alloc(0);
      s.on('data', (c: Buffer) => {
        buf = Buffer.concat([buf, c]);
        if (buf.length >= 5 && buf.length >= 5 + buf.readUInt16BE(3)) {
          resolve(buf);
          s.destroy();
        }
      });
    }),
  );
  const client = connect({ host: '127.0.0.1', port, ...(servername !== undefined ? { servername } : {}), rejectUnauthorized: false });
  client.on('error', () => {});
  const hello = await got;
  client.destroy();
  await new Promise((r) => server.close(r));
  return hello;
}

/** The same handshake message re-framed as two records. */
function splitRecords(hello: Buffer, at: number): Buffer {
  const body = hello.subarray(5);
  const rec = (b: Buffer): Buffer => Buffer.concat([Buffer.from([22, 3, 1, b.length >> 8, b.length & 0xff]), b]);
  return Buffer.concat([rec(body.subarray(0, at)), rec(body.subarray(at))]);
}

describe('clientHelloSni', () => {
  let withSni: Buffer;
  let without: Buffer;
  beforeAll(async () => {
    withSni = await capture('Example.TEST');
    without = await capture(undefined);
  });

  it('reads the server_name of a complete ClientHello, as sent', () => {
    expect(clientHelloSni(withSni)).toEqual({ state: 'done', name: 'Example.TEST' });
    expect(clientHelloSni(without)).toEqual({ state: 'done', name: null });
  });

  it('asks for more until the message is complete', () => {
    for (let n = 0; n < withSni.length; n++) expect(clientHelloSni(withSni.subarray(0, n)).state).toBe('more');
  });

  it.each([2, 3, 40, 100])('reads a ClientHello split over two records (first fragment %i bytes)', (at) => {
    const two = splitRecords(withSni, at);
    expect(clientHelloSni(two)).toEqual({ state: 'done', name: 'Example.TEST' });
    expect(clientHelloSni(two.subarray(0, two.length - 1)).state).toBe('more');
  });

  it.each([
    ['plain HTTP', Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n')],
    ['an SSLv2-style hello', Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01, 0, 0])],
    ['a handshake that is not a ClientHello', Buffer.from([22, 3, 3, 0, 4, 2, 0, 0, 0])],
    ['a truncated ClientHello body', Buffer.from([22, 3, 1, 0, 6, 1, 0, 0, 2, 3, 3])],
  ])('%s: no name', (_n, bytes) => {
    expect(clientHelloSni(bytes)).toEqual({ state: 'done', name: null });
  });

  it('a server_name extension too short for its list length: no name, no throw (found by the fuzz below)', () => {
    // A ClientHello whose only extension is server_name with length 0, at the very end of the message.
    const body = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32), Buffer.from([0, 0, 2, 0x13, 0x01, 1, 0, 0, 4, 0, 0, 0, 0])]);
    const hs = Buffer.concat([Buffer.from([1, 0, 0, body.length]), body]);
    const rec = Buffer.concat([Buffer.from([22, 3, 1, 0, hs.length]), hs]);
    expect(clientHelloSni(rec)).toEqual({ state: 'done', name: null });
  });

  it('never throws on mutated or truncated ClientHellos (20,000 seeded mutations)', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let i = 0; i < 20_000; i++) {
      const b = Buffer.from(i % 2 ? withSni : without);
      for (let j = 0, n = 1 + rnd(4); j < n; j++) b[rnd(b.length)] = rnd(256);
      const input = rnd(3) === 0 ? b.subarray(0, rnd(b.length)) : b;
      expect(() => clientHelloSni(input)).not.toThrow();
    }
  });

  it('gives up on a record stream longer than any ClientHello', () => {
    const huge = Buffer.alloc(70 * 1024);
    huge.set([22, 3, 1, 0x40, 0x00, 1, 0x01, 0x00, 0x00]);
    // 64 KiB of records claiming a 64 KiB ClientHello: more than MAX_HELLO → default settings.
    expect(clientHelloSni(huge)).toEqual({ state: 'done', name: null });
  });
});

describe('sniMatcher (mod_ssl ssl_util_vhost_matches)', () => {
  const m = sniMatcher('App.Example', ['www.app.example', '*.api.example', 'h?.example', 'a.b+c.example']);
  it.each([
    ['app.example', true],
    ['WWW.APP.EXAMPLE', true],
    ['v1.api.example', true],
    ['x.y.api.example', true],
    ['api.example', false],
    ['h1.example', true],
    ['h12.example', false],
    ['a.b+c.example', true],
    ['a.bbc.example', false],
    ['other.example', false],
  ])('%s → %s', (name, want) => expect(m(name)).toBe(want));
});
