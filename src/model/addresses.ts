/** `Listen` and `<VirtualHost>` address arguments (server/listen.c alloc_listener, server/vhost.c get_addresses). */
import type { Listener, VirtualHostAddress } from './types.js';

/** `[host:]port`, with IPv6 in brackets; null when the port is not a number. */
function hostPort(text: string): { host: string | null; portText: string | null } {
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    const host = end < 0 ? text : text.slice(0, end + 1);
    const rest = end < 0 ? '' : text.slice(end + 1);
    return { host, portText: rest.startsWith(':') ? rest.slice(1) : null };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { host: text, portText: null };
  return { host: text.slice(0, colon), portText: text.slice(colon + 1) };
}

export function parseListen(args: readonly string[]): Omit<Listener, 'virtualHosts' | 'span'> | null {
  const first = args[0];
  if (first === undefined) return null;
  // `Listen 80` is a bare port; `Listen 1.2.3.4:80`, `Listen [::]:80` carry an address.
  const hp = /^\d+$/.test(first) ? { host: null, portText: first } : hostPort(first);
  if (hp.portText === null || !/^\d+$/.test(hp.portText)) return null;
  const port = Number(hp.portText);
  if (port < 1 || port > 65535) return null;
  const host = hp.host === null || hp.host === '*' || hp.host === '0.0.0.0' || hp.host === '[::]' ? null : hp.host;
  return { host, port, protocol: args[1] ?? null };
}

export function parseVhostAddress(text: string): VirtualHostAddress {
  const hp = hostPort(text);
  const isDefault = hp.host !== null && /^_default_$/i.test(hp.host);
  const host = hp.host === null || hp.host === '*' || isDefault ? null : hp.host;
  // No port, or `*`, matches every port (vhost.c: port 0 is the wildcard).
  const port = hp.portText !== null && /^\d+$/.test(hp.portText) ? Number(hp.portText) : null;
  return { host, port, isDefault };
}

export function addressKey(a: VirtualHostAddress): string {
  return `${a.host ?? '*'}:${a.port ?? '*'}`;
}

/** Does a vhost address receive connections accepted on this listener? */
export function answersOn(a: VirtualHostAddress, l: Pick<Listener, 'host' | 'port'>): boolean {
  return (a.port === null || a.port === l.port) && (a.host === null || l.host === null || a.host === l.host);
}

/** An IP literal (a listener can bind it); host names are resolved by httpd at start-up, which apx does not do. */
export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || /^\[[0-9a-fA-F:.]+\]$/.test(host);
}
