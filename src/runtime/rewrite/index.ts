/**
 * mod_rewrite's [P] subset in server context (modules/mappers/mod_rewrite.c hook_uri2file → apply_rewrite_list):
 * run before ProxyPass, as mod_rewrite's translate-name hook runs before mod_proxy's.
 *
 * - Each rule's Pattern is matched against the decoded URL-path (r->uri), case-insensitively with [NC]; a leading
 *   `!` negates it (and leaves no `$N`).
 * - Its RewriteConds are then evaluated in order: all must hold, except that [OR] joins a condition with the next
 *   (apply_rewrite_rule: a true one skips the rest of its OR chain). `%N` refers to the last matched condition.
 * - The substitution's `$N`, `%N` and `%{VAR}` are expanded; [P] (which implies [L]) ends the list and makes the
 *   request a proxy request to the resulting URL. Without a `?` in the substitution, the request's query string is
 *   passed on unchanged; with one, the substitution's query replaces it (no [QSA] in the subset).
 * - CVE-2023-25690 (httpd 2.4.56+): when the request path carried an encoded `?` (`%3F`) and the rewritten URL
 *   contains a `?`, the request is refused with 403 (AH10508), as httpd does without `UnsafeAllow3F`.
 */
import type { RewriteCondition, RewriteRule } from '../../model/types.js';

export interface RewriteRequest {
  /** The decoded URL-path (r->uri). */
  readonly path: string;
  /** The path as the client sent it (for the %3F check). */
  readonly rawPath: string;
  readonly query: string | null;
  readonly method: string;
  readonly scheme: 'http' | 'https';
  /** A header's value (all of them joined with `, `), or undefined. */
  header(name: string): string | undefined;
  readonly serverName: string;
  readonly serverPort: number;
  readonly remoteAddr: string;
  readonly protocol: string;
}

export type RewriteOutcome =
  | { readonly kind: 'proxy'; readonly url: string; readonly query: string | null; readonly rule: RewriteRule; readonly index: number }
  | { readonly kind: 'forbidden'; readonly log: string; readonly rule: RewriteRule };

interface CompiledCond {
  readonly cond: RewriteCondition;
  readonly re: RegExp;
}

interface CompiledRule {
  readonly rule: RewriteRule;
  readonly re: RegExp;
  readonly conds: readonly CompiledCond[];
}

export class RewriteEngine {
  private readonly rules: readonly CompiledRule[];

  constructor(rules: readonly RewriteRule[]) {
    // The model checked each regex compiles in JavaScript (src/model/rewrite.ts).
    this.rules = rules.map((rule) => ({
      rule,
      re: new RegExp(rule.pattern, rule.flags.nocase ? 'i' : ''),
      conds: rule.conditions.map((cond) => ({ cond, re: new RegExp(cond.pattern, cond.nocase ? 'i' : '') })),
    }));
  }

  get size(): number {
    return this.rules.length;
  }

  /** The first rule that applies, or null (the request goes on to ProxyPass). */
  apply(req: RewriteRequest): RewriteOutcome | null {
    for (let index = 0; index < this.rules.length; index++) {
      const c = this.rules[index]!;
      const m = c.re.exec(req.path);
      if (c.rule.negate ? m !== null : m === null) continue;
      const ruleGroups: readonly (string | undefined)[] = c.rule.negate || !m ? [] : [...m];
      const condGroups = evaluateConds(c.conds, req, ruleGroups);
      if (condGroups === null) continue;
      let injectedQuestion = false;
      const expanded = expand(c.rule.substitution, req, ruleGroups, condGroups, () => {
        injectedQuestion = true;
      });
      if (injectedQuestion && expanded.includes('?') && /%3f/i.test(req.rawPath)) {
        return { kind: 'forbidden', rule: c.rule, log: `AH10508: Unsafe URL with %3f URL rewritten without UnsafeAllow3F: ${req.path}` };
      }
      const q = expanded.indexOf('?');
      if (q >= 0) return { kind: 'proxy', url: expanded.slice(0, q), query: expanded.slice(q + 1) || null, rule: c.rule, index };
      return { kind: 'proxy', url: expanded, query: req.query, rule: c.rule, index };
    }
    return null;
  }
}

/** apply_rewrite_rule's condition loop; the last matched condition's groups, or null when the rule does not apply. */
function evaluateConds(conds: readonly CompiledCond[], req: RewriteRequest, ruleGroups: readonly (string | undefined)[]): readonly (string | undefined)[] | null {
  let groups: readonly (string | undefined)[] = [];
  for (let i = 0; i < conds.length; i++) {
    let c = conds[i]!;
    const input = expand(c.cond.testString, req, ruleGroups, groups, () => {});
    const m = c.re.exec(input);
    const ok = c.cond.negate ? m === null : m !== null;
    if (ok && m && !c.cond.negate) groups = [...m];
    if (c.cond.ornext) {
      if (!ok) continue;
      // A true condition settles its OR chain: skip to the chain's last member.
      while (i < conds.length - 1 && c.cond.ornext) c = conds[++i]!;
    } else if (!ok) return null;
  }
  return groups;
}

/** do_expand: `\x` escapes, `$N` rule groups, `%N` condition groups, `%{VAR}` server variables. */
function expand(template: string, req: RewriteRequest, ruleGroups: readonly (string | undefined)[], condGroups: readonly (string | undefined)[], onGroup: () => void): string {
  return template.replace(/\\(.)|\$(\d)|%(\d)|%\{([^}]*)\}/g, (_all, esc: string | undefined, dollar: string | undefined, pct: string | undefined, variable: string | undefined) => {
    if (esc !== undefined) return esc;
    if (dollar !== undefined || pct !== undefined) {
      const v = dollar !== undefined ? ruleGroups[Number(dollar)] : condGroups[Number(pct)];
      if (v && v.includes('?')) onGroup();
      return v ?? '';
    }
    return lookupVar(variable!, req);
  });
}

function lookupVar(name: string, req: RewriteRequest): string {
  if (/^HTTP:/i.test(name)) return req.header(name.slice(5)) ?? '';
  switch (name.toUpperCase()) {
    case 'REQUEST_URI':
      return req.path;
    case 'QUERY_STRING':
      return req.query ?? '';
    case 'REQUEST_METHOD':
      return req.method;
    case 'REQUEST_SCHEME':
      return req.scheme;
    case 'HTTPS':
      return req.scheme === 'https' ? 'on' : 'off';
    case 'SERVER_NAME':
      return req.serverName;
    case 'SERVER_PORT':
      return String(req.serverPort);
    case 'REMOTE_ADDR':
      return req.remoteAddr;
    case 'THE_REQUEST':
      return `${req.method} ${req.rawPath}${req.query !== null ? `?${req.query}` : ''} ${req.protocol}`;
    default: {
      // HTTP_HOST, HTTP_USER_AGENT … : the header with `_` for `-`.
      const h = /^HTTP_(.+)$/i.exec(name);
      return h ? (req.header(h[1]!.replace(/_/g, '-')) ?? '') : '';
    }
  }
}
