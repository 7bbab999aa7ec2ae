/**
 * A server variable written `${…}` instead of `%{…}` in RewriteCond or RewriteRule. In mod_rewrite `${name:key}` is
 * a RewriteMap lookup and `%{NAME}` a server variable, so `RewriteCond ${HTTP:Upgrade} websocket` looks up key
 * "Upgrade" in a map called "HTTP" that does not exist, gets an empty string, and the condition never matches
 * (httpd's config reader first warns "AH00111: Config variable ${HTTP:Upgrade} is not defined").
 */
import { sameName } from '../../syntax/names.js';
import { argSpan } from '../paths.js';
import { defineRule } from './define.js';

/** mod_rewrite's %{…} names (lookup_variable() in mod_rewrite.c), and its HTTP:/ENV:/SSL: prefixes. */
const SERVER_VARIABLE =
  /^(?:HTTP(?:S|:.+|_[A-Z0-9_]+)|ENV:.+|SSL:.+|REQUEST_(?:URI|FILENAME|METHOD|SCHEME)|QUERY_STRING|REMOTE_(?:ADDR|HOST|PORT|USER|IDENT)|SERVER_(?:NAME|ADDR|PORT|ADMIN|PROTOCOL|SOFTWARE)|THE_REQUEST|SCRIPT_FILENAME|PATH_INFO|AUTH_TYPE|DOCUMENT_ROOT|CONTEXT_(?:PREFIX|DOCUMENT_ROOT)|IS_SUBREQ|API_VERSION|TIME(?:_[A-Z]+)?)$/i;

export const rewriteDollarVariable = defineRule(
  { id: 'rewrite-dollar-variable', description: 'a server variable written ${…} instead of %{…} in RewriteCond/RewriteRule', severity: 'warning' },
  (context) => {
    const maps = new Set<string>();
    for (const { directive } of context.byName('RewriteMap')) if (directive.args[0]) maps.add(directive.args[0]);
    for (const { directive } of [...context.byName('RewriteCond'), ...context.byName('RewriteRule')]) {
      const isCond = sameName(directive.name, 'RewriteCond');
      const i = isCond ? 0 : 1;
      const text = directive.args[i];
      if (text === undefined) continue;
      for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
        const name = m[1]!;
        const mapName = name.includes(':') ? name.slice(0, name.indexOf(':')) : null;
        if (mapName !== null && maps.has(mapName)) continue;
        if (!SERVER_VARIABLE.test(name)) continue;
        context.report({
          message: `${m[0]} in ${directive.name} is not the server variable %{${name}}: \${…} is a RewriteMap lookup${mapName !== null ? ` (map "${mapName}" is not defined)` : ''}, so it expands to an empty string`,
          span: argSpan(directive, i),
          hint: `${directive.name} ${directive.args.map((a, j) => (j === i ? a.split(m[0]).join(`%{${name}}`) : a)).join(' ')}`,
        });
        break;
      }
    }
  },
);
