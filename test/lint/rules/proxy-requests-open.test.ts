import { ruleCases } from '../helpers.js';

ruleCases(
  'proxy-requests-open',
  [
    { name: 'ProxyRequests On alone', text: 'ProxyRequests On\n', expect: { hint: /^ProxyRequests Off/ } },
    { name: 'a <Proxy *> that grants everyone', text: 'ProxyRequests On\n<Proxy *>\n  Require all granted\n</Proxy>\n' },
    { name: 'in a vhost, guarded only in another vhost', text: '<VirtualHost *:80>\n  ProxyRequests On\n</VirtualHost>\n<VirtualHost *:81>\n  <Proxy *>\n    Require local\n  </Proxy>\n</VirtualHost>\n', expect: { line: 2 } },
  ],
  [
    { name: 'ProxyRequests Off', text: 'ProxyRequests Off\n' },
    { name: 'restricted with Require ip', text: 'ProxyRequests On\n<Proxy "*">\n  Require ip 192.0.2.0/24\n</Proxy>\n' },
    { name: 'restricted the 2.2 way', text: 'ProxyRequests On\n<Proxy *>\n  Order deny,allow\n  Deny from all\n  Allow from 10.0.0.0/8\n</Proxy>\n', options: { modules: ['proxy', 'access_compat', 'authz_core', 'authz_host'] } },
  ],
);
