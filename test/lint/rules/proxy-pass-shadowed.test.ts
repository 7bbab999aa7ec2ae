import { ruleCases } from '../helpers.js';

ruleCases(
  'proxy-pass-shadowed',
  [
    { name: 'a specific rule after ProxyPass /', text: 'ProxyPass / http://a/\nProxyPass /api http://b/api\n', expect: { line: 2, message: /never used/, hint: /above line 1/ } },
    { name: 'an exclusion after the rule', text: 'ProxyPass /app http://a/app\nProxyPass /app/static !\n', expect: { line: 2, hint: 'move "ProxyPass /app/static !" above line 1' } },
    { name: 'the same path twice', text: 'ProxyPass /a http://x/a\nProxyPass /a http://y/a\n', expect: { hint: 'remove one of the two' } },
    { name: 'main server rules come before the vhost', text: 'ProxyPass / http://a/\n<VirtualHost *:80>\n  ProxyPass /api http://b/api\n</VirtualHost>\n', expect: { line: 3 } },
    { name: 'a <Location> ProxyPass is consulted first', text: '<Location /app>\n  ProxyPass http://a/app\n</Location>\nProxyPass /app/x http://b/x\n', expect: { line: 4, message: /consulted first/ } },
    { name: 'an Alias behind ProxyPass /', text: 'ProxyPass / http://a/\nAlias /static /srv/static\n', expect: { line: 2, hint: 'add "ProxyPass /static !" above line 1' } },
  ],
  [
    { name: 'specific first', text: 'ProxyPass /api http://b/api\nProxyPass / http://a/\n' },
    { name: 'segment boundary: /order does not cover /orderservice', text: 'ProxyPass /order http://o/\nProxyPass /orderservice http://s/\n' },
    { name: '/app/ does not cover /app', text: 'ProxyPass /app/ http://a/\nProxyPass /app http://b\n' },
    { name: 'an exclusion before the rule', text: 'ProxyPass /app/static !\nProxyPass /app http://a/app\n' },
    { name: 'different virtual hosts', text: '<VirtualHost *:80>\n  ProxyPass / http://a/\n</VirtualHost>\n<VirtualHost *:81>\n  ProxyPass /api http://b/api\n</VirtualHost>\n' },
    { name: 'an Alias with its exclusion', text: 'ProxyPass /static !\nProxyPass / http://a/\nAlias /static /srv/static\n' },
    { name: 'regex rules are not compared', text: 'ProxyPassMatch ^/(.*)$ http://a/$1\nProxyPass /api http://b/api\n' },
  ],
);
