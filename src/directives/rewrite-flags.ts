/**
 * mod_rewrite's `[flags]`: the names parse_rewriterule_flag() / parse_rewritecond_flag() accept (any case,
 * long or short form) and the checks they make at start-up. Checked against Apache 2.4.71.
 */
import { nameKey } from './names.js';

export interface RewriteFlag {
  /** Short form as documented: `L`, `QSA`. */
  readonly short: string;
  /** Long forms mod_rewrite also accepts: `last`, `qsappend`. */
  readonly long: readonly string[];
  /** `no`: never takes `=value`; `optional`: may (`B`, `R`); `required`: expected (`E=var:val`). */
  readonly value: 'no' | 'optional' | 'required';
  readonly description: string;
}

export const REWRITE_RULE_FLAGS: readonly RewriteFlag[] = [
  { short: 'B', long: [], value: 'optional', description: 'escape non-alphanumerics in back-references (=chars limits which)' },
  { short: 'BCTLS', long: [], value: 'no', description: 'escape only controls and spaces in back-references' },
  { short: 'BNE', long: [], value: 'required', description: 'characters B must not escape' },
  { short: 'BNP', long: [], value: 'no', description: 'escape spaces in back-references as %20, not +' },
  { short: 'C', long: ['chain'], value: 'no', description: 'chain to the next rule' },
  { short: 'CO', long: ['cookie'], value: 'required', description: 'set a cookie' },
  { short: 'DPI', long: ['discardpath'], value: 'no', description: 'discard PATH_INFO' },
  { short: 'E', long: ['env'], value: 'required', description: 'set an environment variable' },
  { short: 'END', long: [], value: 'no', description: 'stop rewriting, also in later rounds' },
  { short: 'F', long: ['forbidden'], value: 'no', description: 'answer 403' },
  { short: 'G', long: ['gone'], value: 'no', description: 'answer 410' },
  { short: 'H', long: ['Handler'], value: 'required', description: 'force a handler' },
  { short: 'L', long: ['last'], value: 'no', description: 'stop this round of rewriting' },
  { short: 'N', long: ['next'], value: 'optional', description: 'restart rewriting (=n caps the rounds)' },
  { short: 'NC', long: ['nocase'], value: 'no', description: 'match case-insensitively' },
  { short: 'NE', long: ['noescape'], value: 'no', description: 'do not escape the result' },
  { short: 'NS', long: ['nosubreq'], value: 'no', description: 'skip for internal sub-requests' },
  { short: 'P', long: ['proxy'], value: 'no', description: 'proxy the result through mod_proxy (needs the scheme handler too)' },
  { short: 'PT', long: ['passthrough'], value: 'no', description: 'hand the result back to URL mapping (Alias, ProxyPass)' },
  { short: 'QSA', long: ['qsappend'], value: 'no', description: 'append the original query string' },
  { short: 'QSD', long: ['qsdiscard'], value: 'no', description: 'drop the original query string' },
  { short: 'QSL', long: ['qslast'], value: 'no', description: 'split the query at the last ?' },
  { short: 'R', long: ['redirect'], value: 'optional', description: 'redirect (302, or =code|permanent|temp|seeother)' },
  { short: 'S', long: ['skip'], value: 'optional', description: 'skip the next n rules' },
  { short: 'T', long: ['type'], value: 'required', description: 'force a MIME type' },
  { short: 'UnsafeAllow3F', long: [], value: 'no', description: 'allow a substitution containing an encoded ?' },
  { short: 'UnsafePrefixStat', long: [], value: 'no', description: 'allow a substitution starting with a variable to be looked up as a file' },
];

export const REWRITE_COND_FLAGS: readonly RewriteFlag[] = [
  { short: 'NC', long: ['nocase'], value: 'no', description: 'compare case-insensitively' },
  { short: 'OR', long: ['ornext'], value: 'no', description: 'or with the next condition' },
  { short: 'NV', long: ['novary'], value: 'no', description: 'do not add the header to Vary' },
];

// Status codes [R=n] accepts: those httpd has a status line for (http_protocol.c status_lines[]) — every code
// 100–599 tried on 2.4.71; 306, 418 and 425 are refused like 42 or 599.
const KNOWN_STATUS = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400,
  401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 423, 424, 426, 428,
  429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

function lookupFlag(table: readonly RewriteFlag[], name: string): RewriteFlag | undefined {
  const key = nameKey(name);
  return table.find((f) => nameKey(f.short) === key || f.long.some((l) => nameKey(l) === key));
}

export function rewriteRuleFlag(name: string): RewriteFlag | undefined {
  return lookupFlag(REWRITE_RULE_FLAGS, name);
}

export function rewriteCondFlag(name: string): RewriteFlag | undefined {
  return lookupFlag(REWRITE_COND_FLAGS, name);
}

/**
 * Apache's complaint about a RewriteRule/RewriteCond flags argument, or null: it must be `[…]` with no space
 * inside ("bad flag delimiters" — the bracket is checked on the whole word), each comma-separated flag known
 * ("unknown flag 'X'", an empty one included), and [R=n] a status httpd knows.
 */
export function validateRewriteFlags(directive: 'RewriteRule' | 'RewriteCond', text: string): string | null {
  if (!text.startsWith('[') || !text.endsWith(']') || /\s/.test(text)) return `${directive}: bad flag delimiters`;
  const table = directive === 'RewriteRule' ? REWRITE_RULE_FLAGS : REWRITE_COND_FLAGS;
  for (const item of text.slice(1, -1).split(',')) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    const flag = lookupFlag(table, name);
    if (!flag) return `${directive}: unknown flag '${name}'`;
    if (flag.short === 'R' && eq >= 0) {
      const value = item.slice(eq + 1);
      if (/^\d/.test(value) && !KNOWN_STATUS.has(parseInt(value, 10))) return `RewriteRule: invalid HTTP response code '${value}' for flag 'R'`;
    }
  }
  return null;
}
