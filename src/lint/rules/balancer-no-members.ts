/**
 * A ProxyPass (or RewriteRule [P]) to a balancer:// that has no BalancerMember anywhere. Apache starts (it creates
 * the empty balancer on first mention) and answers every request to it 503 "Service Unavailable": mod_proxy_balancer
 * finds no worker to choose (AH01167 "All workers are in error state").
 */
import { nodeSpan } from '../paths.js';
import { defineRule } from './define.js';

export const balancerNoMembers = defineRule(
  { id: 'balancer-no-members', description: 'a ProxyPass to a balancer:// that has no BalancerMember', severity: 'error' },
  (context) => {
    const index = context.proxy();
    const reported = new Set<string>();
    for (const use of index.balancerUses) {
      const b = index.balancers.get(use.key);
      // With growth=N the balancer-manager adds members at run time (mod_proxy_balancer's dynamic balancers).
      if ((b && (b.members.length > 0 || b.growth)) || reported.has(use.key)) continue;
      reported.add(use.key);
      context.report({
        message: `${use.key} has no BalancerMember anywhere in the config: Apache starts, then answers every request to it 503 Service Unavailable`,
        span: use.span,
        hint: `<Proxy ${use.key}>\n    BalancerMember http://backend1:8080\n    BalancerMember http://backend2:8080\n</Proxy>`,
        ...(b && b.definedAt.length > 0 ? { related: [{ message: `${use.key} is configured here, without members`, span: nodeSpan(b.definedAt[0]!) }] } : {}),
      });
    }
  },
);
