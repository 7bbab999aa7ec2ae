import { ruleCases } from '../helpers.js';

ruleCases(
  'unknown-directive',
  [
    { name: 'a typo, with did-you-mean', text: 'ProxyPas / http://b/\n', expect: { hint: 'did you mean ProxyPass?', line: 1, column: 1, severity: 'error', message: /Unknown directive ProxyPas/ } },
    { name: 'a directive that never existed', text: 'ProxyPassReverseInterpolateEnv On\n', expect: { hint: /ProxyPassInterpolateEnv/ } },
    { name: 'an unknown section', text: '<VirtualHst *:80>\n</VirtualHst>\n', expect: { hint: 'did you mean <VirtualHost>?' } },
    { name: 'inside a vhost, gibberish has no suggestion', text: '<VirtualHost *:80>\n  Frobnicate yes\n</VirtualHost>\n', expect: { line: 2, hint: undefined } },
    { name: 'nginx proxy_pass', text: 'proxy_pass http://b;\n', expect: { message: /nginx syntax/, hint: /ProxyPass \/path/ } },
  ],
  [
    { name: 'known directives in any case', text: 'proxypass / http://b/\nPROXYPASSREVERSE / http://b/\n' },
    { name: 'a directive of a module that is not loaded (module-not-loaded reports it)', text: 'RewriteEngine On\n', options: { modules: ['proxy'] } },
    { name: 'a disabled <IfModule> branch', text: '<IfModule nosuch_module>\n  Frobnicate yes\n</IfModule>\n' },
  ],
);

ruleCases(
  'unknown-directive',
  [
    { name: 'a mod_php directive is a warning naming the package', text: 'php_value upload_max_filesize 64M\n', expect: { severity: 'warning', hint: /libapache2-mod-php/ } },
    {
      name: 'with a third-party module loaded, an unknown name is only a warning',
      text: 'LoadModule foo_module /usr/lib/apache2/modules/mod_foo.so\nFooEnable On\n',
      options: { modules: 'debian-default', serverRoot: '/etc/apache2', file: '/etc/apache2/apache2.conf', files: { '/etc/apache2/apache2.conf': '' } },
      expect: { severity: 'warning', message: /mod_foo, loaded here/ },
    },
  ],
  [],
);
