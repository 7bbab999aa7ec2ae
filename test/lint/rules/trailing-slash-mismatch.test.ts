import { ruleCases } from '../helpers.js';

ruleCases(
  'trailing-slash-mismatch',
  [
    { name: 'path with /, URL without (500)', text: 'ProxyPass /app/ http://b:8080\n', expect: { severity: 'error', hint: 'ProxyPass /app/ http://b:8080/', message: /http:\/\/b:8080x/ } },
    { name: 'ProxyPass / to a URL with no slash (500)', text: 'ProxyPass / http://b:8080\n', expect: { severity: 'error', hint: 'ProxyPass / http://b:8080/' } },
    { name: 'URL with /, path without (doubled slash)', text: 'ProxyPass /checkout http://checkout:8080/\nProxyPassReverse /checkout http://checkout:8080\n', expect: { severity: 'warning', hint: 'ProxyPass /checkout http://checkout:8080' } },
    { name: 'ProxyPassReverse mapping to /appx', text: 'ProxyPass /app http://b/app\nProxyPassReverse /app http://b/app/\n', expect: { line: 2, message: /becomes \/appx/ } },
    { name: 'both lines of the Croburg pattern', text: 'ProxyPass /order http://o:8080/\nProxyPassReverse /order http://o:8080/\n', expect: { count: 2 } },
  ],
  [
    { name: 'both with slashes', text: 'ProxyPass /app/ http://b/app/\nProxyPassReverse /app/ http://b/app/\n' },
    { name: 'neither with slashes', text: 'ProxyPass "/chatroom" "http://localhost:8080"\n' },
    { name: 'a balancer without slash', text: 'ProxyPass /prox balancer://mycluster\n' },
    { name: 'ProxyPassMatch is a regex, not a prefix', text: 'ProxyPassMatch ^/(.*)$ http://b/$1\n' },
    { name: 'exclusions', text: 'ProxyPass /static/ !\n' },
  ],
);
