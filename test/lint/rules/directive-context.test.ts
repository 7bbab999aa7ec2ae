import { ruleCases } from '../helpers.js';

ruleCases(
  'directive-context',
  [
    {
      name: 'ProxyPass with a path inside <Location>',
      text: '<Location /app>\n  ProxyPass /app http://b/app\n</Location>\n',
      expect: { line: 2, message: /can not have a path when defined in a location/, hint: 'ProxyPass http://b/app' },
    },
    { name: 'ProxyPass inside <Directory>', text: '<Directory /srv>\n  ProxyPass / http://b/\n</Directory>\n', expect: { line: 2, message: /cannot occur within <Directory> section/ } },
    { name: 'Listen inside <VirtualHost>', text: '<VirtualHost *:80>\n  Listen 8080\n</VirtualHost>\n', expect: { message: /Listen is not allowed in <VirtualHost>/ } },
    { name: 'BalancerMember outside <Proxy> without a balancer', text: 'BalancerMember http://b:8080\n', expect: { hint: 'BalancerMember balancer://mycluster http://b:8080', message: /must define balancer name/ } },
    { name: 'BalancerMember in a <Proxy> that is not a balancer', text: '<Proxy http://b>\n  BalancerMember http://c\n</Proxy>\n', expect: { line: 2 } },
    { name: 'ServerAlias in the main server', text: 'ServerAlias www.x\n', expect: { message: /main server/ } },
    { name: 'ProxyPassReverse with a path inside <Location>', text: '<Location /a>\n  ProxyPassReverse /a http://b/a\n</Location>\n', expect: { hint: 'ProxyPassReverse http://b/a' } },
  ],
  [
    { name: 'ProxyPass without a path inside <Location>', text: '<Location /app>\n  ProxyPass http://b/app\n  ProxyPassReverse http://b/app\n</Location>\n' },
    { name: 'ProxyPass in <Location> with parameters', text: '<Location /app>\n  ProxyPass http://b/app retry=0 timeout=5\n</Location>\n' },
    { name: 'BalancerMember in <Proxy balancer://>', text: '<Proxy "balancer://x">\n  BalancerMember http://b\n</Proxy>\n' },
    { name: 'BalancerMember naming its balancer', text: 'BalancerMember balancer://x http://b\n' },
    { name: 'Require in <Location> inside <RequireAll>', text: '<Location />\n  <RequireAll>\n    Require all granted\n  </RequireAll>\n</Location>\n' },
    { name: 'a <Macro> body is not checked where written', text: '<Macro M $p>\n  Listen $p\n</Macro>\n', options: { modules: [...['proxy', 'macro']] } },
  ],
);
