/**
 * `KeepAlive` / `MaxKeepAliveRequests` against real Apache 2.4.71: requests sent one after the other on one TCP
 * connection (test/runtime/keep-alive-probe.ts), recording after which response the server closed it and what each
 * response said (`Connection`, `Keep-Alive`). Apache's behaviour is asserted row by row (so the table documents it),
 * then apx on the same ServerRoot must close the connection after the same response, announcing it the same way.
 * Also: apache2 -t refuses (and accepts) the same KeepAlive / MaxKeepAliveRequests lines apx's compiler does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apacheAvailable, apacheSkipReason, configTest, createServerRoot, disposeAllApache, startApache } from '../support/apache.js';
import { startTextBackend, type Backend } from '../support/backends.js';
import { startApxOn } from '../support/apx.js';
import { announces, probeKeepAlive, type Probe, type ProbeOptions } from '../runtime/keep-alive-probe.js';
import { KEEP_ALIVE_ACCEPTED, KEEP_ALIVE_REFUSALS } from '../model/keep-alive-cases.js';

const VHOST = (inner: string): string => `<VirtualHost *:{{PORT}}>\nServerName v\n${inner}ProxyPass / {{B}}/\n</VirtualHost>\n`;

interface Row {
  readonly name: string;
  readonly config: string;
  /** Requests sent (more than Apache answers when it closes, so the close is seen on the next request). */
  readonly sent: number;
  /** After which response Apache closed the connection; null: still open after `sent`. */
  readonly closedAfter: number | null;
  readonly probe?: ProbeOptions;
}

const ROWS: readonly Row[] = [
  // MaxKeepAliveRequests N: ap_set_keepalive keeps the connection while keepalives < N, so N + 1 responses.
  { name: 'nothing written (MaxKeepAliveRequests 100)', config: 'ProxyPass / {{B}}/\n', sent: 105, closedAfter: 101 },
  { name: 'MaxKeepAliveRequests 3', config: 'MaxKeepAliveRequests 3\nProxyPass / {{B}}/\n', sent: 8, closedAfter: 4 },
  { name: 'MaxKeepAliveRequests 0 (unlimited)', config: 'MaxKeepAliveRequests 0\nProxyPass / {{B}}/\n', sent: 150, closedAfter: null },
  { name: 'KeepAlive Off', config: 'KeepAlive Off\nProxyPass / {{B}}/\n', sent: 3, closedAfter: 1 },
  { name: 'a vhost overriding the main server (3 → 5)', config: 'MaxKeepAliveRequests 3\n' + VHOST('MaxKeepAliveRequests 5\n'), sent: 9, closedAfter: 6 },
  { name: 'a vhost inheriting the main server\'s 3', config: 'MaxKeepAliveRequests 3\n' + VHOST(''), sent: 8, closedAfter: 4 },
  { name: 'a vhost inheriting KeepAlive Off', config: 'KeepAlive Off\n' + VHOST(''), sent: 3, closedAfter: 1 },
  { name: 'a vhost\'s MaxKeepAliveRequests -1 is "unset": the main server\'s 2', config: 'MaxKeepAliveRequests 2\n' + VHOST('MaxKeepAliveRequests -1\n'), sent: 6, closedAfter: 3 },
  { name: 'KeepAliveTimeout 0', config: 'KeepAliveTimeout 0\nProxyPass / {{B}}/\n', sent: 3, closedAfter: 1 },
  // ap_fixup_virtual_hosts tests `keep_alive_timeout == 0`: a vhost's 0 is "unset", the main server's 5 s.
  { name: 'a vhost\'s KeepAliveTimeout 0 is "unset": keeps alive', config: 'MaxKeepAliveRequests 3\n' + VHOST('KeepAliveTimeout 0\n'), sent: 8, closedAfter: 4 },
  { name: 'MaxKeepAliveRequests -1 in the main server', config: 'MaxKeepAliveRequests -1\nProxyPass / {{B}}/\n', sent: 3, closedAfter: 1 },
  {
    name: 'MaxKeepAliveRequests 3, client sends Connection: keep-alive',
    config: 'MaxKeepAliveRequests 3\nProxyPass / {{B}}/\n',
    sent: 8,
    closedAfter: 4,
    probe: { headers: ['Connection: keep-alive'] },
  },
  // Pipelined past the limit: Apache answers up to the limit, then closes; the rest stay unanswered.
  { name: 'MaxKeepAliveRequests 1, four requests pipelined', config: 'MaxKeepAliveRequests 1\nProxyPass / {{B}}/\n', sent: 4, closedAfter: 2, probe: { pipelined: true } },
];

/** What a row compares: the close, and per response its status and whether it announced the close. */
const shape = (p: Probe): { closedAfter: number | null; responses: string[] } => ({ closedAfter: p.closedAfter, responses: p.responses.map((r) => `${r.status} ${announces(r)}`) });

let backend: Backend;

describe.skipIf(!apacheAvailable())(`KeepAlive / MaxKeepAliveRequests: Apache, and apx beside it ${apacheSkipReason()}`, () => {
  beforeAll(async () => {
    backend = await startTextBackend('ok');
  });
  afterAll(async () => {
    await disposeAllApache();
    await backend?.close();
  });

  it.each(ROWS)('Apache: $name', async (row) => {
    const root = await createServerRoot({ modules: ['proxy_http'], config: row.config, vars: { B: backend.url } });
    const httpd = await startApache(root);
    const theirs = await probeKeepAlive(root.port, '/k', row.sent, row.probe);
    await httpd.stop();
    const answered = row.closedAfter ?? row.sent;
    expect(shape(theirs)).toEqual({
      closedAfter: row.closedAfter,
      responses: Array.from({ length: answered }, (_, i) => `200 ${row.closedAfter !== null && i === answered - 1 ? 'close' : 'open'}`),
    });
  }, 30_000);

  it('Apache sends Keep-Alive only to a client that asked with Connection: keep-alive, max counting down', async () => {
    const root = await createServerRoot({ modules: ['proxy_http'], config: 'MaxKeepAliveRequests 3\nProxyPass / {{B}}/\n', vars: { B: backend.url } });
    const httpd = await startApache(root);
    const asked = await probeKeepAlive(root.port, '/k', 8, { headers: ['Connection: keep-alive'] });
    const plain = await probeKeepAlive(root.port, '/k', 8);
    await httpd.stop();
    expect(asked.responses.map((r) => [r.connection, r.keepAlive])).toEqual([
      ['Keep-Alive', 'timeout=5, max=3'],
      ['Keep-Alive', 'timeout=5, max=2'],
      ['Keep-Alive', 'timeout=5, max=1'],
      ['close', null],
    ]);
    expect(plain.responses.map((r) => [r.connection, r.keepAlive])).toEqual([
      [null, null],
      [null, null],
      [null, null],
      ['close', null],
    ]);
  }, 30_000);

  it.each(KEEP_ALIVE_REFUSALS)('apache2 -t refuses %s: %s', async (directive, message) => {
    const r = await configTest(await createServerRoot({ config: `${directive}\n` }));
    expect(r.ok, r.output).toBe(false);
    expect(r.output.split('\n')).toContain(message);
  });

  it.each(KEEP_ALIVE_ACCEPTED)('apache2 -t accepts %s', async (lines) => {
    const r = await configTest(await createServerRoot({ config: `${lines}\n` }));
    expect(r.ok, r.output).toBe(true);
  });

  // apx on the same ServerRoot.
  it.each(ROWS)('apx = Apache: $name', async (row) => {
    const root = await createServerRoot({ modules: ['proxy_http'], config: row.config, vars: { B: backend.url } });
    const httpd = await startApache(root);
    const apx = await startApxOn(root);
    try {
      const theirs = await probeKeepAlive(root.port, '/k', row.sent, row.probe);
      const ours = await probeKeepAlive(apx.port, '/k', row.sent, row.probe);
      expect(shape(ours)).toEqual(shape(theirs));
    } finally {
      await apx.proxy.close();
      await httpd.stop();
    }
  }, 30_000);
});
