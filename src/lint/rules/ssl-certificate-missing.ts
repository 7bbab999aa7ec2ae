/**
 * `SSLEngine on` in a virtual host that has no SSLCertificateFile, neither its own nor the main server's — the
 * mistake of a site file whose certificate lines were commented out. mod_ssl checks every SSL-enabled server at
 * start-up (ssl_engine_init.c ssl_init_server_certs()): "AH02572: Failed to configure at least one certificate
 * and key for host:443", and Apache does not start (apachectl configtest still says "Syntax OK").
 */
import type { ResolvedSection } from '../../config/types.js';
import { nameKey } from '../../syntax/names.js';
import { defineRule } from './define.js';

export const sslCertificateMissing = defineRule(
  { id: 'ssl-certificate-missing', description: 'SSLEngine on with no SSLCertificateFile: Apache does not start', severity: 'error' },
  (context) => {
    const withCert = new Set<ResolvedSection | null>();
    // mod_md supplies certificates for the names of an <MDomain>/MDomain; leave those servers alone.
    const managed = context.byName('MDomain').length > 0 || context.sectionsByName('MDomain').length > 0;
    if (managed) return;
    for (const { ctx } of context.byName('SSLCertificateFile')) withCert.add(context.virtualHostOf(ctx));
    for (const { directive, ctx } of context.byName('SSLEngine')) {
      if (nameKey(directive.args[0] ?? '') !== 'on') continue;
      const vhost = context.virtualHostOf(ctx);
      if (withCert.has(vhost) || withCert.has(null)) continue;
      context.report({
        message: `SSLEngine on${vhost ? ` in <VirtualHost ${vhost.args.join(' ')}>` : ''} with no SSLCertificateFile: Apache does not start ("AH02572: Failed to configure at least one certificate and key")`,
        span: directive.syntax.span,
        hint: 'SSLCertificateFile /etc/ssl/certs/ssl-cert-snakeoil.pem\nSSLCertificateKeyFile /etc/ssl/private/ssl-cert-snakeoil.key',
      });
    }
  },
);
