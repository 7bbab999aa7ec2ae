/**
 * A directive no Apache 2.4 module defines. httpd stops at the first one: config.c ap_process_resource_config()
 * → "Invalid command 'ProxyPas', perhaps misspelled or defined by a module not included in the server
 * configuration". Directives of modules that exist but are not loaded are module-not-loaded's business.
 */
import { moduleByName, suggestDirective } from '../../directives/index.js';
import { directiveInfo } from '../lookup.js';
import type { ResolvedDirective, ResolvedSection } from '../../config/types.js';
import { nodeSpan } from '../paths.js';
import { nameKey } from '../../syntax/names.js';
import { defineRule } from './define.js';

/** nginx directives people paste into Apache files, with the Apache way to say it. */
const NGINX: Readonly<Record<string, string>> = {
  proxy_pass: 'ProxyPass /path http://backend/',
  proxy_set_header: 'RequestHeader set Name value (Host: ProxyPreserveHost On; X-Forwarded-For is added by mod_proxy)',
  proxy_redirect: 'ProxyPassReverse /path http://backend/',
  server_name: 'ServerName',
  listen: 'Listen',
  upstream: '<Proxy balancer://name> with BalancerMember lines',
  location: '<Location /path>',
  server: '<VirtualHost *:80>',
  root: 'DocumentRoot',
  return: 'Redirect',
  rewrite: 'RewriteRule',
  add_header: 'Header set',
  proxy_http_version: 'nothing: mod_proxy_http speaks HTTP/1.1 to backends',
  ssl_certificate: 'SSLCertificateFile',
  ssl_certificate_key: 'SSLCertificateKeyFile',
};

/**
 * Directives of modules Debian packages separately (not in the apache2 package, so not in the registry), by
 * prefix: with that module installed and loaded Apache knows them, so apx cannot call them errors.
 */
const THIRD_PARTY: readonly (readonly [RegExp, string, string])[] = [
  [/^php_(admin_)?(value|flag)$/i, 'mod_php', 'libapache2-mod-php'],
  [/^WSGI/i, 'mod_wsgi', 'libapache2-mod-wsgi-py3'],
  [/^Passenger/i, 'mod_passenger', 'libapache2-mod-passenger'],
  [/^Sec[A-Z]/, 'mod_security2', 'libapache2-mod-security2'],
  [/^OIDC/i, 'mod_auth_openidc', 'libapache2-mod-auth-openidc'],
  [/^(Jk[A-Z]|JkMount)/, 'mod_jk', 'libapache2-mod-jk'],
  [/^(Perl|PerlModule)/, 'mod_perl', 'libapache2-mod-perl2'],
  [/^Shib/i, 'mod_shib', 'libapache2-mod-shib'],
  [/^(ModPagespeed|Pagespeed)/i, 'mod_pagespeed', 'mod-pagespeed-stable'],
  [/^XSendFile/i, 'mod_xsendfile', 'libapache2-mod-xsendfile'],
  [/^(RPAF|RPAF_)/i, 'mod_rpaf', 'libapache2-mod-rpaf'],
  [/^DOS[A-Z]/, 'mod_evasive', 'libapache2-mod-evasive'],
  [/^Qos/i, 'mod_qos', 'libapache2-mod-qos'],
];

export const unknownDirective = defineRule(
  { id: 'unknown-directive', description: 'a directive or section that no Apache 2.4 module defines', severity: 'error' },
  (context) => {
    // Spans are built on demand (src/syntax/lazy.ts): only ask for one when there is something to report.
    const seen = (node: ResolvedDirective | ResolvedSection, section: boolean): void => {
      const name = node.name;
      const lookupName = section ? `<${name}>` : name;
      const bare = name.replace(/;$/, '');
      const nginx = Object.hasOwn(NGINX, nameKey(bare)) ? NGINX[nameKey(bare)] : undefined;
      if (nginx !== undefined || name.endsWith(';')) {
        context.report({
          message: `${section ? `<${name}>` : name} is nginx syntax, not an Apache directive; Apache refuses to start ("Invalid command")`,
          span: nodeSpan(node),
          hint: nginx !== undefined ? `in Apache write: ${nginx}` : 'remove the trailing `;` and use the Apache directive',
        });
        return;
      }
      const third = THIRD_PARTY.find(([re]) => re.test(name));
      if (third !== undefined || foreignModules.length > 0) {
        // apx cannot see inside a module it does not know: say so rather than claim Apache refuses the line.
        const [, module, pkg] = third ?? [null, foreignModules.map((m) => `mod_${m}`).join(', '), null];
        context.report({
          message: third
            ? `${name} is not a directive of Apache or of the modules Debian's apache2 package ships; it looks like ${module}'s (package ${pkg}), which apx does not know — Apache refuses it unless that module is loaded`
            : `${name} is not a directive of Apache or of the modules Debian's apache2 package ships; it may belong to ${module}, loaded here, which apx does not know`,
          span: nodeSpan(node),
          hint: third ? `apt install ${pkg}, enable it, and keep the line inside <IfModule> if the module is optional` : 'check the spelling against that module\'s documentation',
          severity: 'warning',
        });
        return;
      }
      const suggestions = suggestDirective(lookupName);
      context.report({
        message: `Unknown directive ${section ? `<${name}>` : name}: Apache refuses to start ("Invalid command '${name}', perhaps misspelled or defined by a module not included in the server configuration")`,
        span: nodeSpan(node),
        ...(suggestions.length > 0 ? { hint: `did you mean ${suggestions.map((s) => (section ? `<${s}>` : s)).join(' or ')}?` } : {}),
      });
    };
    // Modules a LoadModule line loads that the registry does not know (third-party .so files).
    const foreignModules = [...context.modules].filter((m) => moduleByName(m) === undefined);
    // The registry answers by name: one lookup per spelling, and only the lines of unknown names are looked at.
    for (const g of context.directiveGroups) if (!directiveInfo(g.name, false)) for (const n of g.nodes) seen(n, false);
    for (const g of context.sectionGroups) if (!directiveInfo(g.name, true)) for (const n of g.nodes) seen(n, true);
  },
);
