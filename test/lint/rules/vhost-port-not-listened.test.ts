import { ruleCases } from '../helpers.js';

const tree = (conf: string, site: string): { files: Record<string, string>; serverRoot: string; file: string } => ({
  files: { '/etc/apache2/apache2.conf': conf, '/etc/apache2/sites-enabled/site.conf': site },
  serverRoot: '/etc/apache2',
  file: '/etc/apache2/sites-enabled/site.conf',
});
const ROOT = 'Listen 80\nIncludeOptional sites-enabled/*.conf\n';

ruleCases(
  'vhost-port-not-listened',
  [
    { name: 'a vhost on 8080 with only Listen 80', text: '<VirtualHost *:8080>\n</VirtualHost>\n', options: tree(ROOT, '<VirtualHost *:8080>\n</VirtualHost>\n'), expect: { hint: /^Listen 8080/, column: 14 } },
    { name: 'Listen inside a false <IfModule> does not count', text: '<VirtualHost *:443>\n</VirtualHost>\n', options: { ...tree('Listen 80\n<IfModule ssl_module>\n  Listen 443\n</IfModule>\nIncludeOptional sites-enabled/*.conf\n', '<VirtualHost *:443>\n</VirtualHost>\n'), modules: ['proxy'] } },
  ],
  [
    { name: 'a listened port', text: '<VirtualHost *:80>\n</VirtualHost>\n', options: tree(ROOT, '<VirtualHost *:80>\n</VirtualHost>\n') },
    { name: 'Listen with an address', text: '<VirtualHost 127.0.0.1:8080>\n</VirtualHost>\n', options: tree('Listen 127.0.0.1:8080\nIncludeOptional sites-enabled/*.conf\n', '<VirtualHost 127.0.0.1:8080>\n</VirtualHost>\n') },
    { name: 'a lone file (its Listen lines are elsewhere)', text: '<VirtualHost *:2580>\n</VirtualHost>\n' },
    { name: 'a vhost with no port', text: '<VirtualHost *>\n</VirtualHost>\n', options: tree(ROOT, '<VirtualHost *>\n</VirtualHost>\n') },
  ],
);
