/** bench/lib/conns.ts: reading /proc/net/tcp for the bench's "held" column. */
import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { countConnections } from '../../bench/lib/conns.js';

const HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
// Port 8080 = 0x1F90; rows: the listener with 3 in its accept queue, two accepted established server-side sockets,
// one not accepted yet (inode 0), a client-side socket to 8080 (remote port, not counted), one in TIME_WAIT (06),
// one on another port.
const TABLE = [
  HEAD,
  '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
  '   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1',
  '   2: 0100007F:1F90 0100007F:C351 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1',
  '   3: 0100007F:C352 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0 20 4 30 10 -1',
  '   6: 0100007F:1F90 0100007F:C355 01 00000000:00000000 00:00000000 00000000     0        0 0 1 0 20 4 30 10 -1',
  '   4: 0100007F:1F90 0100007F:C353 06 00000000:00000000 00:00000000 00000000     0        0 0 1 0 20 4 30 10 -1',
  '   5: 0100007F:1F91 0100007F:C354 01 00000000:00000000 00:00000000 00000000     0        0 5 1 0 20 4 30 10 -1',
].join('\n');

describe('countConnections', () => {
  it('counts established server-side sockets and the listener’s accept queue', () => {
    expect(countConnections(8080, [TABLE])).toEqual({ held: 2, queued: 3 });
    expect(countConnections(8081, [TABLE])).toEqual({ held: 1, queued: 0 });
    expect(countConnections(9999, [TABLE, ''])).toEqual({ held: 0, queued: 0 });
  });

  it.skipIf(process.platform !== 'linux')('sees a real connection in the kernel tables', async () => {
    const accepted: Socket[] = [];
    const server = createServer((s) => accepted.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const client = connect(port, '127.0.0.1');
    await new Promise<void>((r) => client.once('connect', () => r()));
    for (let i = 0; i < 100 && accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(countConnections(port)).toEqual({ held: 1, queued: 0 });
    client.destroy();
    accepted.forEach((s) => s.destroy());
    await new Promise((r) => server.close(r));
  });
});
