/**
 * Secrets out of `to-json` output unless the user asks for them (`--show-secrets`): passwords in URLs
 * (`http://user:password@host`), AJP `secret=` worker parameters, and the arguments of directives whose name says
 * they hold a secret (`OIDCClientSecret`, `AuthLDAPBindPassword`, `SSLPassPhraseDialog exec:…` is not one).
 */
import type { ProxyModel } from './types.js';

export const REDACTED = 'REDACTED';

/** `scheme://user:password@` anywhere in a string (also inside `unix:/sock|http://…` and RewriteRule targets). */
const URL_PASSWORD = /([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/\s:@]*:)([^/\s@]*)(@)/g;
const SECRET_DIRECTIVE = /secret|password|passphrase$|passwd/i;

function redactString(s: string): string {
  return s.replace(URL_PASSWORD, (_m, head: string, _pw: string, at: string) => `${head}${REDACTED}${at}`);
}

function deep(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map(deep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deep(v);
    return out;
  }
  return value;
}

/** A copy of the model with secrets replaced by `REDACTED`; the input is not changed. */
export function redactSecrets(model: ProxyModel): ProxyModel {
  const out = deep(model) as ProxyModel;
  const workers = [
    ...[out.mainServer, ...out.virtualHosts].flatMap((s) => s.routes.flatMap((r) => (r.worker ? [r.worker] : []))),
    ...out.balancers.flatMap((b) => b.members.map((m) => m.params)),
  ];
  for (const w of workers) if (w.other['secret'] !== undefined) w.other['secret'] = REDACTED;
  for (const u of out.unsupported) if (SECRET_DIRECTIVE.test(u.directive)) u.args = u.args.map(() => REDACTED);
  return out;
}
