/** What counts as an access restriction in a section: mod_authz_core's Require (not `all granted`), 2.2-style Allow/Deny, or authentication. */
import type { ResolvedNode } from '../../config/types.js';
import { nameKey, sameName } from '../../syntax/names.js';

const RESTRICTING = ['Deny', 'AuthType', 'AuthBasicProvider', 'AuthDigestProvider'];

/** Whether the nodes (searched through conditional and Require* sections) restrict who may use the URL. */
export function restrictsAccess(nodes: readonly ResolvedNode[]): boolean {
  for (const n of nodes) {
    if (!n.active) continue;
    if (n.kind === 'section') {
      const grouping = n.condition !== null || ['RequireAll', 'RequireAny', 'RequireNone', 'Limit', 'LimitExcept'].some((s) => sameName(s, n.name));
      if (grouping && restrictsAccess(n.children)) return true;
      continue;
    }
    if (n.kind !== 'directive') continue;
    if (sameName(n.name, 'Require')) {
      const words = n.args.map(nameKey);
      if (!(words[0] === 'all' && words[1] === 'granted')) return true;
    } else if (sameName(n.name, 'Allow')) {
      // mod_access_compat: `Allow from all` lets everyone in; any narrower Allow (with Order) is a restriction.
      if (!(nameKey(n.args[0] ?? '') === 'from' && n.args.slice(1).every((a) => nameKey(a) === 'all'))) return true;
    } else if (RESTRICTING.some((r) => sameName(r, n.name))) {
      return true;
    }
  }
  return false;
}
