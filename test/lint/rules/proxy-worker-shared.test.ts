import { ruleCases } from '../helpers.js';

ruleCases(
  'proxy-worker-shared',
  [
    {
      name: 'a longer URL with its own timeout',
      text: 'ProxyPass /a http://b:9/\nProxyPass /b http://b:9/x timeout=5 retry=0\n',
      expect: { line: 2, column: 14, message: /ignores timeout=5 retry=0/, hint: 'put timeout=5 retry=0 on the ProxyPass at line 1, which defines the worker' },
    },
    { name: 'the same URL twice, different parameters', text: 'ProxyPass /a http://b:9/ timeout=1\nProxyPass /b http://b:9/ timeout=5\n', expect: { message: /ignores timeout=5/ } },
    { name: 'scheme and host case do not make another worker', text: 'ProxyPass /a http://B:9/\nProxyPass /b HTTP://b:9/x keepalive=On\n' },
  ],
  [
    { name: 'no parameters on the later line', text: 'ProxyPass /a http://b:9/ timeout=5\nProxyPass /b http://b:9/x\n' },
    { name: 'the same parameters', text: 'ProxyPass /a http://b:9/ timeout=5\nProxyPass /b http://b:9/x timeout=5\n' },
    { name: 'a shorter URL makes its own worker', text: 'ProxyPass /a http://b:9/\nProxyPass /c http://b:9 timeout=7\n' },
    { name: 'a virtual host has its own workers', text: 'ProxyPass /a http://b:9/\n<VirtualHost *:80>\n  ProxyPass /d http://b:9/y connectiontimeout=3\n</VirtualHost>\n' },
    { name: 'a worker is never shared across ports (min_match is scheme://host:port)', text: 'ProxyPass /a http://b:9\nProxyPass /b http://b:90/x timeout=5\n' },
    { name: 'flags are not parameters', text: 'ProxyPass /a http://b:9/\nProxyPass /b http://b:9/x nocanon\n' },
  ],
);
