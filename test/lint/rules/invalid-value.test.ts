import { ruleCases } from '../helpers.js';

ruleCases(
  'invalid-value',
  [
    { name: 'a flag with yes', text: 'ProxyPreserveHost yes\n', expect: { message: /ProxyPreserveHost must be On or Off/, hint: 'ProxyPreserveHost On (or Off)', line: 1, column: 19 } },
    { name: 'KeepAlive 1 (the 1.3 spelling)', text: 'KeepAlive 1\n', expect: { message: /KeepAlive must be On or Off/ } },
    { name: 'ProxyVia with an unknown mode', text: 'ProxyVia maybe\n', expect: { message: /ProxyVia must be one of: off \| on \| full \| block/, hint: 'ProxyVia Off | On | Full | Block' } },
    { name: 'AllowEncodedSlashes decode', text: '<VirtualHost *:80>\n  AllowEncodedSlashes decode\n</VirtualHost>\n', expect: { line: 2, message: /On, Off, or NoDecode/ } },
    { name: 'SSLEngine enabled', text: 'SSLEngine enabled\n', expect: { message: /"Argument must be On or Off"/ } },
    { name: "SSLProxyVerify names the word in Apache's message", text: 'SSLProxyVerify true\n', expect: { message: /SSLProxyVerify: Invalid argument 'true'/ } },
    { name: 'SSLSessionTickets maybe', text: 'SSLSessionTickets maybe\n', expect: { message: /SSLSessionTickets must be On or Off/ } },
    { name: 'a Define that resolves to a bad word', text: 'Define PH yes\nProxyPreserveHost ${PH}\n', expect: { line: 2, message: /"yes"/ } },
  ],
  [
    { name: 'any case', text: 'ProxyPreserveHost ON\nKeepAlive off\nProxyVia FULL\nAllowEncodedSlashes nodecode\nSSLEngine OPTIONAL\nSSLProxyVerify Optional_No_CA\n' },
    { name: 'quoted words are the words', text: 'ProxyPreserveHost "On"\n' },
    { name: 'extra words after a flag are argument-count\'s (a warning)', text: 'ProxyPreserveHost On garbage\n' },
    { name: 'a Define that resolves to On', text: 'Define PH On\nProxyPreserveHost ${PH}\n' },
    { name: 'an undefined variable is not judged', text: 'ProxyPreserveHost ${NOPE}\n' },
    { name: 'no argument is argument-count\'s', text: 'ProxyPreserveHost\n' },
  ],
);
