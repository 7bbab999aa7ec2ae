import { ruleCases } from '../helpers.js';

ruleCases(
  'balancer-no-members',
  [
    { name: 'a balancer never defined', text: 'ProxyPass / balancer://nowhere/\n', expect: { message: /balancer:\/\/nowhere has no BalancerMember/, column: 13 } },
    { name: 'a balancer with only ProxySet', text: '<Proxy balancer://x>\n  ProxySet lbmethod=byrequests\n</Proxy>\nProxyPass / balancer://x/\n', expect: { line: 4 } },
    { name: 'members of a differently named balancer', text: '<Proxy balancer://a>\n  BalancerMember http://b\n</Proxy>\nProxyPass / balancer://b/\n' },
  ],
  [
    { name: 'members defined after the ProxyPass', text: 'ProxyPass /prox balancer://mycluster\n<Proxy "balancer://mycluster">\n  BalancerMember http://b\n</Proxy>\n' },
    { name: 'balancer names compare case-insensitively', text: 'ProxyPass / balancer://MyCluster/\n<Proxy balancer://mycluster>\n  BalancerMember http://b\n</Proxy>\n' },
    { name: 'a dynamic balancer (growth=) fills through balancer-manager', text: '<Proxy balancer://dyn>\n  ProxySet growth=10\n</Proxy>\nProxyPass /dyn balancer://dyn/\n' },
    { name: 'members written outside <Proxy>', text: 'BalancerMember balancer://x http://b\nProxyPass / balancer://x/\n' },
  ],
);
