/**
 * A proxy target whose scheme handler module is not loaded. mod_proxy only routes; the scheme's module serves the
 * request. Without it Apache says "Syntax OK" and starts, then answers every request 500 AH01144 "No protocol
 * handler was valid for the URL" (ProxyPass), or 503 "all workers are busy" when the target is a balancer
 * member; a RewriteRule [P] without mod_proxy is refused with 403. Reported once per missing module and file.
 */
import type { RelatedLocation, Span } from '../../diagnostic.js';
import { a2enmodHint, isKnownProxyScheme, modulesForProxyUrl, proxyUrlScheme, type ModuleRequirement } from '../../directives/index.js';
import { nameKey } from '../../syntax/names.js';
import { defineRule } from './define.js';

type Via = 'ProxyPass' | 'BalancerMember' | 'RewriteRule';

const CONSEQUENCE: Readonly<Record<Via, string>> = {
  ProxyPass: 'Apache says "Syntax OK" and starts, then answers these requests 500 "No protocol handler was valid for the URL"',
  BalancerMember: 'Apache says "Syntax OK" and starts, then answers requests to the balancer 503 "all workers are busy"',
  RewriteRule: 'Apache says "Syntax OK" and starts, then fails these proxied requests',
};

export const proxyHandlerMissing = defineRule(
  { id: 'proxy-handler-missing', description: "a proxy target whose scheme's handler module (mod_proxy_http …) is not loaded", severity: 'error' },
  (context) => {
    const index = context.proxy();
    interface Use {
      need: ModuleRequirement;
      url: string;
      via: Via;
      span: Span;
      others: RelatedLocation[];
    }
    const uses = new Map<string, Use>();
    const unknown: { url: string; span: Span }[] = [];
    // The requirements depend on the scheme alone (balancers are left out here).
    const byScheme = new Map<string, ModuleRequirement[]>();
    const ok = new Map<ModuleRequirement, boolean>();
    const satisfied = (need: ModuleRequirement): boolean => {
      let v = ok.get(need);
      if (v === undefined) ok.set(need, (v = need.anyOf.some((m) => context.isLoaded(m))));
      return v;
    };
    // proxyUrlScheme() runs a regex; the answer depends only on what precedes the first `:` (unix: aside).
    const schemes = new Map<string, ReturnType<typeof proxyUrlScheme>>();
    const schemeOf = (url: string): ReturnType<typeof proxyUrlScheme> => {
      const colon = url.indexOf(':');
      // A `unix:` socket URL names its scheme after the `|`: parsed whole, never cached by its head.
      if (colon === 4 && nameKey(url.slice(0, 4)) === 'unix') return proxyUrlScheme(url);
      const head = colon < 0 ? url : url.slice(0, colon);
      let hit = schemes.get(head);
      if (hit === undefined) schemes.set(head, (hit = proxyUrlScheme(url)));
      return hit;
    };
    const target = (url: string, spanOf: () => Span, via: Via): void => {
      const parsed = schemeOf(url);
      if (parsed === null) return;
      if (!isKnownProxyScheme(parsed.scheme)) {
        unknown.push({ url, span: spanOf() });
        return;
      }
      if (parsed.scheme === 'balancer') return; // balancer-provider-missing
      let needs = byScheme.get(parsed.scheme);
      if (!needs) byScheme.set(parsed.scheme, (needs = modulesForProxyUrl(url)));
      for (const need of needs) {
        // Without mod_proxy a ProxyPass/BalancerMember line is itself an unknown command (module-not-loaded).
        if (need.module === 'proxy' && via !== 'RewriteRule') continue;
        if (satisfied(need)) continue;
        const span = spanOf();
        const key = `${need.module}\u0000${span.file}`;
        const use = uses.get(key);
        if (use) use.others.push({ message: `${url} also needs mod_${need.module}`, span });
        else uses.set(key, { need, url, via, span, others: [] });
      }
    };
    for (const p of index.passes) if (!p.exclusion) target(p.target, () => p.targetSpan, 'ProxyPass');
    for (const b of index.balancers.values()) for (const m of b.members) target(m.url, () => m.urlSpan, 'BalancerMember');
    for (const r of index.rewriteProxies) target(r.target, () => r.targetSpan, 'RewriteRule');

    for (const use of uses.values()) {
      const consequence = use.need.module === 'proxy' ? 'Apache refuses the proxied requests with 403 ("attempt to make remote request from mod_rewrite without proxy enabled")' : CONSEQUENCE[use.via];
      const more = use.others.length > 0 ? ` (and ${use.others.length} more target${use.others.length === 1 ? '' : 's'} in this file)` : '';
      context.report({
        message: `${use.url} needs mod_${use.need.module}, which is not loaded: ${use.need.reason}. ${consequence}${more}`,
        span: use.span,
        hint: a2enmodHint([use.need.module]) ?? `load mod_${use.need.module}`,
        related: use.others.slice(0, 20),
      });
    }
    for (const u of unknown) {
      context.report({
        message: `No Apache module handles the scheme of ${u.url}: every request to it gets 500 "No protocol handler was valid for the URL"`,
        span: u.span,
        hint: 'use http://, https://, ws://, wss://, ajp://, fcgi://, h2c:// or balancer:// (check the spelling of the scheme)',
      });
    }
  },
);
