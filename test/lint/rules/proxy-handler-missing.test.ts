import { ruleCases } from '../helpers.js';

const P = ['proxy'];
ruleCases(
  'proxy-handler-missing',
  [
    { name: 'http:// without mod_proxy_http', text: 'ProxyPass / http://b/\n', options: { modules: P }, expect: { hint: 'a2enmod proxy_http', message: /500 "No protocol handler/, column: 13 } },
    {
      name: 'balancer members without mod_proxy_http',
      text: '<Proxy balancer://x>\n  BalancerMember http://b1\n  BalancerMember http://b2\n</Proxy>\nProxyPass / balancer://x/\n',
      options: { modules: ['proxy', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests'] },
      expect: { hint: 'a2enmod proxy_http', message: /503 "all workers are busy".*1 more target/, line: 2 },
    },
    { name: 'ajp:// without mod_proxy_ajp', text: 'ProxyPass / ajp://b:8009/\n', options: { modules: P }, expect: { hint: 'a2enmod proxy_ajp' } },
    { name: 'https:// without mod_ssl', text: 'ProxyPass / https://b/\n', options: { modules: ['proxy', 'proxy_http'] }, expect: { hint: 'a2enmod ssl' } },
    { name: 'RewriteRule to ws:// without any websocket support', text: 'RewriteEngine On\nRewriteRule ^/ws(.*) ws://b/$1 [P,L]\n', options: { modules: ['proxy', 'rewrite'] }, expect: { hint: 'a2enmod proxy_http' } },
    { name: 'RewriteRule [P] without mod_proxy', text: 'RewriteEngine On\nRewriteRule ^/(.*) http://b/$1 [P]\n', options: { modules: ['rewrite', 'proxy_http'].slice(0, 1) }, expect: { count: 2 } },
    { name: 'an unknown scheme', text: 'ProxyPass / htp://b/\n', expect: { message: /No Apache module handles the scheme/ } },
  ],
  [
    { name: 'http:// with mod_proxy_http', text: 'ProxyPass / http://b/\n', options: { modules: ['proxy', 'proxy_http'] } },
    { name: 'ws:// with mod_proxy_wstunnel only', text: 'ProxyPass /ws ws://b/ws\n', options: { modules: ['proxy', 'proxy_wstunnel'] } },
    { name: 'exclusions need nothing', text: 'ProxyPass /static !\n', options: { modules: P } },
    { name: 'a RewriteRule without [P]', text: 'RewriteEngine On\nRewriteRule ^/old http://b/new [R=301,L]\n', options: { modules: ['rewrite'] } },
    { name: 'balancer targets are balancer-provider-missing\'s', text: 'ProxyPass / balancer://x/\n', options: { modules: P } },
  ],
);
