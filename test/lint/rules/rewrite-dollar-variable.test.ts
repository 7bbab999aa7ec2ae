import { ruleCases } from '../helpers.js';

ruleCases(
  'rewrite-dollar-variable',
  [
    { name: '${HTTP:Upgrade} in RewriteCond', text: 'RewriteEngine On\nRewriteCond ${HTTP:Upgrade} websocket [NC]\nRewriteRule ^/(.*) ws://b/$1 [P]\n', expect: { line: 2, hint: 'RewriteCond %{HTTP:Upgrade} websocket [NC]' } },
    { name: '${HTTP_HOST} in a RewriteRule substitution', text: 'RewriteEngine On\nRewriteRule ^/(.*) https://${HTTP_HOST}/$1 [R=301,L]\n', expect: { hint: 'RewriteRule ^/(.*) https://%{HTTP_HOST}/$1 [R=301,L]' } },
  ],
  [
    { name: '%{HTTP:Upgrade}', text: 'RewriteEngine On\nRewriteCond %{HTTP:Upgrade} websocket [NC]\nRewriteRule ^/(.*) ws://b/$1 [P]\n' },
    { name: 'a real RewriteMap lookup', text: 'RewriteEngine On\nRewriteMap HTTP txt:/etc/apache2/map.txt\nRewriteRule ^/(.*) ${HTTP:$1} [PT]\n' },
    { name: 'a Define that load() expanded', text: 'Define BACKEND http://b\nRewriteEngine On\nRewriteRule ^/(.*) ${BACKEND}/$1 [P]\n' },
  ],
);
