/**
 * A ProxyPass whose backend URL lies under the URL of an earlier ProxyPass in the same server, with parameters of
 * its own. httpd keeps one worker per backend URL and, when defining a new one, reuses an existing worker whose URL
 * is a prefix of the new one (proxy_util.c ap_proxy_get_worker(); "AH01145: Sharing worker 'http://b/' instead of
 * creating new worker 'http://b/x'"), and then ignores the new line's parameters ("AH01146: Ignoring parameter
 * 'timeout=5' for worker 'http://b/' because of worker sharing"). The timeout or retry the author wrote silently
 * does not apply. Workers are per server: a virtual host does not share the main server's.
 */
import type { ResolvedSection } from '../../config/types.js';
import { formatLocation } from '../../diagnostic.js';
import { nameKey } from '../../syntax/names.js';
import { PROXY_PASS_FLAGS } from '../../directives/index.js';
import type { PassRule } from '../proxy-index.js';
import { balancerKey, splitUrl } from '../paths.js';
import { defineRule } from './define.js';

/** `key=value` words of a ProxyPass (flags and `mapping=` are not worker parameters). */
function params(p: PassRule): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of p.options) {
    const eq = w.indexOf('=');
    if (eq < 0 || PROXY_PASS_FLAGS.some((f) => nameKey(f) === nameKey(w))) continue;
    const key = nameKey(w.slice(0, eq));
    if (key !== 'mapping') out.set(key, w.slice(eq + 1));
  }
  return out;
}

export const proxyWorkerShared = defineRule(
  { id: 'proxy-worker-shared', description: 'ProxyPass parameters Apache ignores because the URL shares an earlier worker', severity: 'warning' },
  (context) => {
    const index = context.proxy();
    // Workers by server: lower-cased URL → the ProxyPass that created it.
    const workers = new Map<ResolvedSection | null, Map<string, PassRule>>();
    for (const p of index.passes) {
      if (p.exclusion || balancerKey(p.target) !== null) continue;
      const split = splitUrl(p.target);
      if (split === null) continue;
      let defined = workers.get(p.vhost);
      if (!defined) workers.set(p.vhost, (defined = new Map()));
      const url = nameKey(p.target);
      // ap_proxy_get_worker() takes the longest worker name that is a prefix of the URL and at least as long as
      // its scheme://host:port (min_match), so `http://b:9` is never shared by `http://b:90/`.
      let owner: PassRule | undefined;
      for (let len = url.length; len >= split.origin.length && owner === undefined; len--) owner = defined.get(url.slice(0, len));
      if (owner === undefined) {
        defined.set(url, p);
        continue;
      }
      const mine = params(p);
      if (mine.size === 0) continue;
      const theirs = params(owner);
      const ignored = [...mine].filter(([k, v]) => theirs.get(k) !== v).map(([k, v]) => `${k}=${v}`);
      if (ignored.length === 0) continue;
      const at = formatLocation(owner.directive.span, p.directive.span.file);
      context.report({
        message: `Apache ignores ${ignored.join(' ')} here: ${p.target} shares the worker of ${owner.target} (${at}), whose parameters apply ("AH01146: Ignoring parameter … because of worker sharing")`,
        span: p.targetSpan,
        hint: `put ${ignored.join(' ')} on the ProxyPass at line ${owner.directive.span.line}, which defines the worker`,
        related: [{ message: 'the ProxyPass whose worker is shared', span: owner.directive.syntax.span }],
      });
    }
  },
);
