/**
 * nginx variables (`$host`, `$proxy_add_x_forwarded_for`, `$remote_addr` …) pasted into an Apache config. Apache
 * does not expand `$name` anywhere: the header, URL or condition gets the literal text `$host`. Apache's own
 * spelling is `%{HTTP_HOST}` in mod_rewrite and `expr=%{HTTP_HOST}` in Header/RequestHeader; X-Forwarded-For,
 * X-Forwarded-Host and X-Forwarded-Server are added by mod_proxy itself.
 */
import { argsHoldDollar } from '../../syntax/lazy.js';
import { argSpan } from '../paths.js';
import { defineRule } from './define.js';

const APACHE: Readonly<Record<string, string>> = {
  host: '%{HTTP_HOST}',
  http_host: '%{HTTP_HOST}',
  remote_addr: '%{REMOTE_ADDR}',
  binary_remote_addr: '%{REMOTE_ADDR}',
  proxy_add_x_forwarded_for: 'nothing: mod_proxy adds X-Forwarded-For itself',
  scheme: '%{REQUEST_SCHEME}',
  request_uri: '%{REQUEST_URI}',
  uri: '%{REQUEST_URI}',
  document_uri: '%{REQUEST_URI}',
  args: '%{QUERY_STRING}',
  query_string: '%{QUERY_STRING}',
  is_args: '? with %{QUERY_STRING}',
  server_name: '%{SERVER_NAME}',
  server_port: '%{SERVER_PORT}',
  server_addr: '%{SERVER_ADDR}',
  request_method: '%{REQUEST_METHOD}',
  remote_user: '%{REMOTE_USER}',
  remote_port: '%{REMOTE_PORT}',
  https: '%{HTTPS}',
  document_root: '%{DOCUMENT_ROOT}',
  connection_upgrade: 'nothing: mod_proxy_http handles Upgrade (use upgrade=websocket on the ProxyPass)',
  proxy_host: 'nothing: with ProxyPreserveHost Off Apache sends the backend host',
  proxy_port: 'nothing: Apache sends the backend port',
  request: '%{THE_REQUEST}',
  hostname: '%{SERVER_NAME}',
  realpath_root: '%{DOCUMENT_ROOT}',
  upstream_addr: 'nothing: Apache has no equivalent variable',
  request_time: '%{TIME}',
  time_local: '%{TIME}',
};

function apacheFor(name: string): string | null {
  if (Object.hasOwn(APACHE, name)) return APACHE[name]!;
  const header = /^http_([a-z0-9_]+)$/.exec(name);
  if (header) return `%{HTTP:${header[1]!.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('-')}}`;
  if (/^arg_[a-z0-9_]+$/.test(name)) return '%{QUERY_STRING} (Apache has no per-argument variable)';
  if (/^cookie_[a-z0-9_]+$/.test(name)) return '%{HTTP_COOKIE}';
  return null;
}

export const nginxVariable = defineRule(
  { id: 'nginx-variable', description: 'an nginx variable ($host, $remote_addr …) that Apache passes on as literal text', severity: 'warning' },
  (context) => {
    for (const g of context.directiveGroups) {
      for (let n = 0; n < g.nodes.length; n++) {
        const directive = g.nodes[n]!;
        // The written text holds a `$` whenever the words do (a `${VAR}` that expanded to one included).
        if (!argsHoldDollar(directive.syntax)) continue;
        for (let i = 0; i < directive.args.length; i++) {
          const arg = directive.args[i]!;
          if (!arg.includes('$')) continue;
          const m = /\$([a-z_][a-z0-9_]*)/.exec(arg);
          if (!m) continue;
          const apache = apacheFor(m[1]!);
          if (apache === null) continue;
          context.report({
            message: `$${m[1]} is an nginx variable; Apache does not expand it and sends the literal text "$${m[1]}"`,
            span: argSpan(directive, i),
            hint: apache.startsWith('nothing') ? `Apache: ${apache}` : `use ${apache} (in Header/RequestHeader: "expr=${apache}")`,
          });
          break;
        }
      }
    }
  },
);
