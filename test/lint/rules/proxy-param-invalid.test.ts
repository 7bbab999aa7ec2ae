import { ruleCases } from '../helpers.js';

ruleCases(
  'proxy-param-invalid',
  [
    { name: 'retries=3 (unknown key)', text: 'ProxyPass / http://b/ retries=3\n', expect: { message: /retries=3: .*ProxyPass unknown Worker parameter/, hint: 'did you mean retry=3?', column: 23 } },
    { name: 'timeout=soon (bad value)', text: 'ProxyPass / http://b/ timeout=soon\n', expect: { message: /timeout=soon/, hint: /^timeout= takes/ } },
    { name: 'a bare word that is not a flag', text: 'ProxyPass / http://b/ keepalive\n', expect: { message: /key=value/ } },
    { name: 'an unknown balancer parameter on a balancer URL', text: 'ProxyPass / balancer://x/ retry=5\n<Proxy balancer://x>\n  BalancerMember http://b\n</Proxy>\n', expect: { message: /unknown Balancer parameter/ } },
    { name: 'a bad BalancerMember parameter', text: '<Proxy balancer://x>\n  BalancerMember http://b loadfactor=500\n</Proxy>\n', expect: { line: 2 } },
    { name: 'a bad ProxySet in <Proxy balancer://>', text: '<Proxy balancer://x>\n  BalancerMember http://b\n  ProxySet stickysessionsep=ab\n</Proxy>\n', expect: { line: 3, message: /ProxySet: stickysessionsep/ } },
    { name: 'an unknown lbmethod', text: 'ProxyPass / balancer://x/ lbmethod=roundrobin\n<Proxy balancer://x>\n  BalancerMember http://b\n</Proxy>\n', expect: { message: /unknown lbmethod/ } },
    { name: '<Proxy url key=value> with a bad value', text: '<Proxy balancer://x nofailover=maybe>\n  BalancerMember http://b\n</Proxy>\n', expect: { line: 1 } },
  ],
  [
    { name: 'valid worker parameters and flags', text: 'ProxyPass / http://b/ retry=0 timeout=5 keepalive=On nocanon\n' },
    { name: 'valid balancer parameters', text: 'ProxyPass "/prox" "balancer://x" nofailover=On stickysession=JSESSIONID\n<Proxy balancer://x>\n  BalancerMember "http://b" timeout=300 max=1\n</Proxy>\n' },
    { name: 'lbmethod=bytraffic whose module is missing (balancer-provider-missing reports it)', text: '<Proxy balancer://x lbmethod=bytraffic>\n  BalancerMember http://b\n</Proxy>\n' },
    { name: 'an exclusion', text: 'ProxyPass /static !\n' },
  ],
);
