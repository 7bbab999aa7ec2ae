/** pinListenPorts: what `--listen …:0` becomes for a replacement cluster worker (src/runtime/listeners.ts). */
import { describe, expect, it } from 'vitest';
import { pinListenPorts, planSockets } from '../../src/runtime/listeners.js';
import type { ListenOverride } from '../../src/runtime/index.js';
import type { ProxyModel } from '../../src/model/types.js';

/** Only what planSockets reads: listeners and vhost addresses. */
function modelWith(ports: number[]): ProxyModel {
  return { listeners: ports.map((port) => ({ host: null, port, protocol: null, virtualHosts: [] })), virtualHosts: [] } as unknown as ProxyModel;
}

describe('pinListenPorts', () => {
  const table: [string, number[], ListenOverride[], ListenOverride[]][] = [
    ['one listener on port 0 gets its bound port', [80], [{ port: null, host: '127.0.0.1', listenPort: 0 }], [{ port: null, host: '127.0.0.1', listenPort: 40080 }]],
    ['a fixed port stays', [80], [{ port: null, host: '127.0.0.1', listenPort: 8000 }], [{ port: null, host: '127.0.0.1', listenPort: 8000 }]],
    [
      'port 0 over two listeners: one pinned override per listener',
      [80, 443],
      [{ port: null, host: '127.0.0.1', listenPort: 0 }],
      [
        { port: 80, host: '127.0.0.1', listenPort: 40080 },
        { port: 443, host: '127.0.0.1', listenPort: 40443 },
      ],
    ],
    [
      'per-listener overrides, one of them port 0',
      [80, 443],
      [
        { port: 80, host: '127.0.0.1', listenPort: 8080 },
        { port: 443, host: '127.0.0.1', listenPort: 0 },
      ],
      [
        { port: 80, host: '127.0.0.1', listenPort: 8080 },
        { port: 443, host: '127.0.0.1', listenPort: 40443 },
      ],
    ],
  ];
  it.each(table)('%s', (_name, ports, overrides, expected) => {
    const model = modelWith(ports);
    // What startProxy reports: one address per planned socket, in plan order; port 0 bound to 40000 + its port.
    const bound = planSockets(model, overrides).map((s) => ({ port: s.port === 0 ? 40000 + s.servesPorts[0]! : s.port, servesPort: s.servesPorts[0]! }));
    const pinned = pinListenPorts(model, overrides, bound);
    expect(pinned).toEqual(expected);
    // A worker started with the pinned overrides binds exactly the reported ports.
    expect(planSockets(model, pinned).map((s) => s.port)).toEqual(bound.map((b) => b.port));
  });
});
