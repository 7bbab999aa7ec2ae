import { ruleCases } from '../helpers.js';

ruleCases(
  'argument-count',
  [
    { name: 'ProxyPass with only a path', text: 'ProxyPass /app\n', expect: { message: /needs a path when not defined in a location/, hint: 'ProxyPass path url [key=value]' } },
    { name: 'ServerName with two names', text: '<VirtualHost *:80>\n  ServerName a b\n</VirtualHost>\n', expect: { line: 2 } },
    { name: 'ProxyPassReverse with four words', text: 'ProxyPassReverse / http://b/ interpolate extra\n' },
    { name: 'a flag with extra words is a warning (Apache ignores them)', text: 'ProxyPreserveHost On garbage\n', expect: { severity: 'warning', hint: 'ProxyPreserveHost On' } },
  ],
  [
    { name: 'ProxyPass with parameters', text: 'ProxyPass / http://b/ retry=0 timeout=5 keepalive=On\n' },
    { name: 'ProxyPass inside <Location> with only the URL', text: '<Location /a>\n  ProxyPass http://b/a\n</Location>\n' },
    { name: 'a directive apx has no shape for', text: 'LogLevel warn proxy:trace2\n' },
  ],
);
