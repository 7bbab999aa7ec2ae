/**
 * A balancer without the modules it needs besides its members' handlers: mod_proxy_balancer for the scheme
 * (without it every request gets 500 "No protocol handler was valid for the URL … (scheme 'balancer')"),
 * mod_slotmem_shm (mod_proxy_balancer looks up the "shm" slotmem provider at start-up, AH01177: Apache does not
 * start) and the lbmethod provider — byrequests unless lbmethod= says otherwise — without which Apache does not
 * start either ("Can't find 'byrequests' lb method").
 */
import type { Span } from '../../diagnostic.js';
import { a2enmodHint, LBMETHOD_MODULES, modulesForBalancer } from '../../directives/index.js';
import { nodeSpan } from '../paths.js';
import { defineRule } from './define.js';

export const balancerProviderMissing = defineRule(
  { id: 'balancer-provider-missing', description: 'a balancer:// without mod_proxy_balancer, mod_slotmem_shm or its lbmethod module', severity: 'error' },
  (context) => {
    const index = context.proxy();
    // What is missing depends only on the lbmethod given (the module set is the run's): worked out once per value,
    // not once per balancer.
    const missingFor = new Map<string | undefined, ReturnType<typeof modulesForBalancer>>();
    const missingOf = (given: string | undefined): ReturnType<typeof modulesForBalancer> => {
      let missing = missingFor.get(given);
      if (missing === undefined) {
        // An lbmethod= naming no known provider is proxy-param-invalid's; the other two needs still hold.
        const lbmethod = given === undefined || Object.hasOwn(LBMETHOD_MODULES, given) ? given : undefined;
        const needs = modulesForBalancer(lbmethod ?? 'byrequests');
        missing = needs.filter((n) => !(given !== undefined && lbmethod === undefined && n.module.startsWith('lbmethod_')) && !n.anyOf.some((m) => context.isLoaded(m)));
        missingFor.set(given, missing);
      }
      return missing;
    };
    const check = (key: string, spanOf: () => Span): void => {
      const b = index.balancers.get(key);
      const missing = missingOf(b?.lbmethods[b.lbmethods.length - 1]?.value);
      if (missing.length === 0) return;
      const noScheme = missing.some((n) => n.module === 'proxy_balancer');
      // Each reason already says when Apache does not start; without the scheme handler it starts and fails requests.
      const consequence = noScheme ? ' Until then Apache answers every request to it 500 "No protocol handler was valid for the URL".' : '';
      context.report({
        message: `${key} needs ${missing.map((n) => `mod_${n.module}`).join(' and ')}: ${missing.map((n) => n.reason).join('; ')}.${consequence}`,
        span: spanOf(),
        hint: a2enmodHint(missing.map((n) => n.module)) ?? `load ${missing.map((n) => `mod_${n.module}`).join(' ')}`,
      });
    };
    // Each balancer once: where it is first used, else (a balancer with members that nothing uses) where it is defined.
    const seen = new Set<string>();
    for (const u of index.balancerUses) {
      if (seen.has(u.key)) continue;
      seen.add(u.key);
      check(u.key, () => u.span);
    }
    for (const b of index.balancers.values()) {
      if (seen.has(b.key) || b.members.length === 0) continue;
      check(b.key, () => (b.definedAt[0] ? nodeSpan(b.definedAt[0]) : b.members[0]!.directive.span));
    }
  },
);
