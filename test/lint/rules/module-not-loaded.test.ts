import { ruleCases } from '../helpers.js';

ruleCases(
  'module-not-loaded',
  [
    {
      name: 'ProxyPass in a default Debian install',
      text: '<VirtualHost *:80>\n  ProxyPass / http://b/\n  ProxyPassReverse / http://b/\n</VirtualHost>\n',
      options: { modules: 'debian-default' },
      expect: { hint: 'a2enmod proxy', line: 2, message: /mod_proxy, which a default Debian install does not enable.*and 1 more line/ },
    },
    { name: 'RewriteRule without mod_rewrite (--modules)', text: 'RewriteEngine On\n', options: { modules: ['proxy'] }, expect: { hint: 'a2enmod rewrite', message: /not in --modules/ } },
    { name: 'a section of a missing module', text: '<Proxy balancer://x>\n</Proxy>\n', options: { modules: [] }, expect: { hint: 'a2enmod proxy' } },
    { name: 'two modules missing give two problems', text: 'Header set X 1\nRewriteEngine On\n', options: { modules: [] }, expect: { count: 2 } },
  ],
  [
    { name: 'everything loaded', text: 'ProxyPass / http://b/\nRewriteEngine On\n' },
    { name: 'compiled-in core directives', text: 'ServerName x\nLogLevel warn\n', options: { modules: [] } },
    { name: 'inside a false <IfModule>', text: '<IfModule mod_rewrite.c>\n  RewriteEngine On\n</IfModule>\n', options: { modules: ['proxy'] } },
  ],
);
