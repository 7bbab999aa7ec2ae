import { ruleCases } from '../helpers.js';

const vh = (addr: string, name: string): string => `<VirtualHost ${addr}>\n  ServerName ${name}\n</VirtualHost>\n`;

ruleCases(
  'duplicate-server-name',
  [
    { name: 'same name on *:80', text: vh('*:80', 'a.example') + vh('*:80', 'a.example'), expect: { line: 5, column: 14, message: /already the name of the virtual host at 1:1/ } },
    { name: 'case and port do not make it different', text: vh('*:80', 'a.example') + vh('*:80', 'A.Example:80') },
  ],
  [
    { name: 'different names', text: vh('*:80', 'a.example') + vh('*:80', 'b.example') },
    { name: 'different ports', text: vh('*:80', 'a.example') + vh('*:443', 'a.example') },
    { name: 'one vhost with ServerName twice', text: '<VirtualHost *:80>\n  ServerName a\n  ServerName b\n</VirtualHost>\n' },
  ],
);
