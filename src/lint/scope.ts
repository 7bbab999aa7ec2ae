/**
 * Which server a ProxyPass-family rule applies in. mod_proxy.c merge_proxy_config() appends the main server's
 * ProxyPass and ProxyPassReverse lists to every virtual host's (main server entries first), so a main-server
 * entry applies everywhere and a virtual host's only there.
 */
import type { ResolvedSection } from '../config/types.js';

export function sameServer(a: ResolvedSection | null, b: ResolvedSection | null): boolean {
  return a === null || b === null || a === b;
}
