/**
 * Which sockets to open: one per model listener (`Listen`), or where `--listen` overrides say. A model with no
 * Listen (a lone vhost file compiled without ports.conf) listens on its vhosts' ports.
 */
import type { ProxyModel } from '../model/types.js';
import type { ListenOverride } from './index.js';
import { StartupError } from './startup-error.js';

export interface PlannedSocket {
  /** Address to bind; null for all addresses. */
  readonly host: string | null;
  readonly port: number;
  /** The model listener ports served here (vhost candidates come from these listeners, in this order). */
  readonly servesPorts: readonly number[];
  /** Indices into model.virtualHosts, in config order, deduplicated. */
  readonly virtualHosts: readonly number[];
  readonly protocol: string | null;
}

interface ModelListener {
  host: string | null;
  port: number;
  protocol: string | null;
  virtualHosts: number[];
}

function modelListeners(model: ProxyModel): ModelListener[] {
  if (model.listeners.length) {
    return model.listeners.map((l) => ({
      host: l.host,
      port: l.port,
      protocol: l.protocol,
      virtualHosts: l.virtualHosts.length ? [...l.virtualHosts] : vhostsForPort(model, l.port, l.host),
    }));
  }
  const ports = new Set<number>();
  for (const v of model.virtualHosts) for (const a of v.addresses) if (a.port !== null) ports.add(a.port);
  if (ports.size === 0) ports.add(80);
  return [...ports].map((port) => ({ host: null, port, protocol: null, virtualHosts: vhostsForPort(model, port, null) }));
}

/** vhosts whose addresses take this port (a `*` port takes any) and this address (or any). */
function vhostsForPort(model: ProxyModel, port: number, host: string | null): number[] {
  const out: number[] = [];
  model.virtualHosts.forEach((v, i) => {
    if (v.addresses.some((a) => (a.port === null || a.port === port) && (host === null || a.host === null || a.host === host))) out.push(i);
  });
  return out;
}

export function planSockets(model: ProxyModel, overrides: readonly ListenOverride[] | undefined): PlannedSocket[] {
  const listeners = modelListeners(model);
  if (!overrides || overrides.length === 0) {
    return listeners.map((l) => ({ host: l.host, port: l.port, servesPorts: [l.port], virtualHosts: l.virtualHosts, protocol: l.protocol }));
  }
  const out: PlannedSocket[] = [];
  for (const o of overrides) {
    const chosen = o.port === null ? listeners : listeners.filter((l) => l.port === o.port);
    if (chosen.length === 0) {
      const known = listeners.map((l) => l.port).join(', ');
      throw new StartupError(
        `--listen ${o.port}=${o.host}:${o.listenPort}: the config does not listen on port ${o.port} (it listens on ${known || 'no port'})`,
        known ? `map one of its ports, e.g. --listen ${listeners[0]!.port}=${o.host}:${o.listenPort}` : null,
      );
    }
    if (o.listenPort === 0 && chosen.length > 1) {
      // Port 0: each listener gets its own free port.
      for (const l of chosen) out.push({ host: o.host, port: 0, servesPorts: [l.port], virtualHosts: l.virtualHosts, protocol: l.protocol });
      continue;
    }
    const vh: number[] = [];
    for (const l of chosen) for (const i of l.virtualHosts) if (!vh.includes(i)) vh.push(i);
    out.push({ host: o.host, port: o.listenPort, servesPorts: chosen.map((l) => l.port), virtualHosts: vh, protocol: chosen[0]!.protocol });
  }
  return out;
}
