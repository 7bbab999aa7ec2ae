import { ruleCases } from '../helpers.js';

ruleCases(
  'nginx-variable',
  [
    { name: '$host in RequestHeader', text: 'RequestHeader set X-Forwarded-Host "$host"\n', expect: { hint: 'use %{HTTP_HOST} (in Header/RequestHeader: "expr=%{HTTP_HOST}")', column: 36 } },
    { name: '$proxy_add_x_forwarded_for', text: 'RequestHeader set X-Forwarded-For $proxy_add_x_forwarded_for\n', expect: { hint: /mod_proxy adds X-Forwarded-For/ } },
    { name: '$http_upgrade', text: 'RequestHeader set Upgrade $http_upgrade\n', expect: { hint: /%\{HTTP:Upgrade\}/ } },
  ],
  [
    { name: 'regex back-references', text: 'RewriteEngine On\nRewriteRule ^/(.*)$ http://b/$1 [P]\n' },
    { name: 'Apache variables', text: 'RequestHeader set X-Host "expr=%{HTTP_HOST}"\n' },
    { name: 'an unknown $word', text: 'RequestHeader set X "$notnginx"\n' },
  ],
);
