import { ruleCases } from '../helpers.js';

ruleCases(
  'proxy-pass-reverse-missing',
  [
    { name: 'a plain ProxyPass', text: 'ProxyPass /app http://b/app\n', expect: { hint: 'ProxyPassReverse /app http://b/app', severity: 'warning' } },
    {
      name: 'the tutorial balancer with no ProxyPassReverse',
      text: '<Proxy balancer://mycluster>\n  BalancerMember http://a\n</Proxy>\nProxyPass / balancer://mycluster/\n',
      expect: { hint: 'ProxyPassReverse / balancer://mycluster/', line: 4 },
    },
    { name: 'inside <Location>', text: '<Location /app>\n  ProxyPass http://b/app\n</Location>\n', expect: { hint: 'ProxyPassReverse http://b/app' } },
    { name: 'a reverse rule in another virtual host does not count', text: '<VirtualHost *:80>\n  ProxyPass / http://b/\n</VirtualHost>\n<VirtualHost *:81>\n  ProxyPassReverse / http://b/\n</VirtualHost>\n', expect: { line: 2 } },
  ],
  [
    { name: 'mirrored', text: 'ProxyPass /app http://b/app\nProxyPassReverse /app http://b/app\n' },
    { name: 'mirrored in a <Location>', text: '<Location /app>\n  ProxyPass http://b/app\n  ProxyPassReverse http://b/app\n</Location>\n' },
    { name: 'mirrored by the main server', text: 'ProxyPassReverse / http://b/\n<VirtualHost *:80>\n  ProxyPass / http://b/\n</VirtualHost>\n' },
    { name: 'mirrored per member (the old idiom)', text: '<Proxy balancer://x>\n  BalancerMember http://a:1\n</Proxy>\nProxyPass / balancer://x/\nProxyPassReverse / http://a:1/\n' },
    { name: 'an exclusion', text: 'ProxyPass /static !\n' },
    { name: 'fcgi:// backends do not redirect through Location', text: 'ProxyPass /php fcgi://127.0.0.1:9000/srv/php\n', options: { modules: ['proxy', 'proxy_fcgi'] } },
    { name: 'a reverse rule naming another URL (proxy-pass-reverse-mismatch)', text: 'ProxyPass /a http://b:1\nProxyPassReverse /a http://b:1/a\n' },
  ],
);
