import { ruleCases } from '../helpers.js';

ruleCases(
  'handler-unprotected',
  [
    { name: 'balancer-manager with no Require (Croburg)', text: '<Location "/balancer-manager">\n\tSetHandler balancer-manager\n</Location>\n', expect: { line: 2, hint: 'add "Require local" (or "Require ip 192.0.2.0/24") in <Location /balancer-manager>' } },
    { name: 'Allow from all (2.2 style)', text: '<Location /balancer-manager>\n  SetHandler balancer-manager\n  Allow from all\n</Location>\n', options: { modules: ['proxy', 'proxy_balancer', 'access_compat', 'authz_core'] } },
    { name: 'server-status granted to all', text: '<Location /server-status>\n  SetHandler server-status\n  Require all granted\n</Location>\n' },
  ],
  [
    { name: 'Require local', text: '<Location /server-status>\n  SetHandler server-status\n  Require local\n</Location>\n' },
    { name: 'Require inside <RequireAny>', text: '<Location /balancer-manager>\n  SetHandler balancer-manager\n  <RequireAny>\n    Require ip 10.0.0.0/8\n  </RequireAny>\n</Location>\n' },
    { name: 'Allow from one network', text: '<Location /server-status>\n  SetHandler server-status\n  Order deny,allow\n  Deny from all\n  Allow from 10.0.0.0/8\n</Location>\n', options: { modules: ['status', 'access_compat', 'authz_core'] } },
    { name: 'another handler', text: '<Location /x>\n  SetHandler none\n</Location>\n' },
  ],
);
