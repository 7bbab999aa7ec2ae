import { ruleCases } from '../helpers.js';

ruleCases(
  'proxy-pass-reverse-mismatch',
  [
    {
      name: 'Reverse URL differs from the ProxyPass URL (eyrie)',
      text: 'ProxyPass /eyrie/api http://127.0.0.1:5809\nProxyPassReverse /eyrie/api http://127.0.0.1:5809/eyrie/api\n',
      expect: { line: 2, column: 29, hint: 'ProxyPassReverse /eyrie/api http://127.0.0.1:5809', message: /names another URL/ },
    },
    { name: 'another backend', text: 'ProxyPass / http://a/\nProxyPassReverse / http://b/\n', expect: { hint: 'ProxyPassReverse / http://a/' } },
    { name: 'mirrors nothing', text: 'ProxyPass / http://a/\nProxyPassReverse /x http://zzz/\n', expect: { message: /mirrors no proxy target/ } },
  ],
  [
    { name: 'an exact mirror', text: 'ProxyPass /a http://b/a\nProxyPassReverse /a http://b/a\n' },
    { name: 'trailing slashes and host case aside', text: 'ProxyPass /a/ http://B/a/\nProxyPassReverse /a http://b/a\n' },
    { name: 'a reverse rule for a RewriteRule [P] target', text: 'RewriteEngine On\nRewriteRule ^/x/(.*) http://b/$1 [P]\nProxyPassReverse /x/ http://b/\n' },
    { name: 'a reverse rule for a balancer member', text: '<Proxy balancer://x>\n  BalancerMember http://m1:80\n</Proxy>\nProxyPass / balancer://x/\nProxyPassReverse / balancer://x/\nProxyPassReverse / http://m1:80/\n' },
  ],
);
