import { ruleCases } from '../helpers.js';

const TEXT = '<Proxy balancer://mycluster>\n  BalancerMember http://b1:8080\n  BalancerMember http://b2:8080\n</Proxy>\nProxyPass / balancer://mycluster/\nProxyPassReverse / balancer://mycluster/\n';
const ALL = ['proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests'];
const without = (m: string): string[] => ALL.filter((x) => x !== m);

ruleCases(
  'balancer-provider-missing',
  [
    { name: 'no mod_proxy_balancer', text: TEXT, options: { modules: ['proxy', 'proxy_http'] }, expect: { line: 5, message: /500 "No protocol handler/, hint: /^a2enmod / } },
    { name: 'no mod_lbmethod_byrequests', text: TEXT, options: { modules: without('lbmethod_byrequests') }, expect: { hint: 'a2enmod lbmethod_byrequests', message: /does not start/ } },
    { name: 'no mod_slotmem_shm', text: TEXT, options: { modules: without('slotmem_shm') }, expect: { hint: 'a2enmod slotmem_shm', message: /does not start/ } },
    { name: 'lbmethod=bytraffic without its module', text: TEXT.replace('</Proxy>', '  ProxySet lbmethod=bytraffic\n</Proxy>'), options: { modules: ALL }, expect: { hint: 'a2enmod lbmethod_bytraffic', line: 6 } },
    { name: 'a balancer defined but not used yet', text: '<Proxy balancer://x>\n  BalancerMember http://b\n</Proxy>\n', options: { modules: without('slotmem_shm') }, expect: { line: 1 } },
  ],
  [
    { name: 'everything loaded', text: TEXT, options: { modules: ALL } },
    { name: 'lbmethod=bytraffic with its module', text: TEXT.replace('</Proxy>', '  ProxySet lbmethod=bytraffic\n</Proxy>'), options: { modules: [...without('lbmethod_byrequests'), 'lbmethod_bytraffic'] } },
    { name: 'no balancer at all', text: 'ProxyPass / http://b/\n', options: { modules: ['proxy', 'proxy_http'] } },
  ],
);
