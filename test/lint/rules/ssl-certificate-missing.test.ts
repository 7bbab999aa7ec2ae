import { ruleCases } from '../helpers.js';

ruleCases(
  'ssl-certificate-missing',
  [
    {
      name: 'certificate lines commented out',
      text: '<VirtualHost *:443>\n  SSLEngine on\n  #SSLCertificateFile /etc/ssl/certs/site.pem\n  #SSLCertificateKeyFile /etc/ssl/private/site.key\n</VirtualHost>\n',
      expect: { line: 2, message: /AH02572/, hint: /^SSLCertificateFile / },
    },
    { name: 'a certificate in another vhost does not count', text: '<VirtualHost *:443>\n  SSLEngine on\n  SSLCertificateFile /a.pem\n</VirtualHost>\n<VirtualHost *:8443>\n  SSLEngine on\n</VirtualHost>\n', expect: { line: 6 } },
  ],
  [
    { name: 'with a certificate', text: '<VirtualHost *:443>\n  SSLEngine on\n  SSLCertificateFile /a.pem\n  SSLCertificateKeyFile /a.key\n</VirtualHost>\n' },
    { name: 'certificate in the main server', text: 'SSLCertificateFile /a.pem\n<VirtualHost *:443>\n  SSLEngine on\n</VirtualHost>\n' },
    { name: 'SSLEngine off', text: '<VirtualHost *:80>\n  SSLEngine off\n</VirtualHost>\n' },
    { name: 'inside a false <IfModule>', text: '<IfModule nosuch_module>\n  SSLEngine on\n</IfModule>\n' },
  ],
);
