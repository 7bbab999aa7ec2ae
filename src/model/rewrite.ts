/**
 * mod_rewrite in server context, the subset apx runs: `RewriteEngine`, `RewriteCond TestString CondPattern [NC,OR]`
 * with a regex CondPattern (optionally `!`-negated), and `RewriteRule Pattern Substitution [P,L,NC]` whose
 * substitution is an absolute URL proxied with [P] — the WebSocket pattern of the tutorials. mod_rewrite.c
 * cmd_rewritecond/cmd_rewriterule parse the same way: conditions attach to the next rule; flags are
 * comma-separated inside one `[...]` argument, case-insensitive, with long forms (`proxy`, `last`, `nocase`,
 * `ornext`). Anything outside the subset is reported unsupported with the reason, never run half-understood.
 */
import type { RewriteCondition, RewriteRule, SourceSpan } from './types.js';

/** The variables a TestString or substitution may use. */
const VARIABLES = /%\{([^}]*)\}/g;
const KNOWN_VAR = /^(HTTP:[!#$%&'*+.^_`|~0-9A-Za-z-]+|HTTP_HOST|HTTP_USER_AGENT|HTTP_REFERER|HTTP_COOKIE|HTTP_ACCEPT|REQUEST_URI|REQUEST_METHOD|QUERY_STRING|REQUEST_SCHEME|HTTPS|SERVER_NAME|SERVER_PORT|REMOTE_ADDR|THE_REQUEST)$/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function unknownVariable(text: string): string | null {
  for (const m of text.matchAll(VARIABLES)) if (!KNOWN_VAR.test(m[1]!)) return m[1]!;
  return null;
}

function flagList(arg: string | undefined): Parsed<string[]> {
  if (arg === undefined) return { ok: true, value: [] };
  if (!arg.startsWith('[') || !arg.endsWith(']')) return { ok: false, reason: `flags "${arg}" must be written in [...]` };
  return { ok: true, value: arg.slice(1, -1).split(',').map((f) => f.trim().toLowerCase()).filter(Boolean) };
}

function regexOk(pattern: string, nocase: boolean): string | null {
  try {
    new RegExp(pattern, nocase ? 'i' : '');
    return null;
  } catch (err) {
    return `the regex "${pattern}" is not one apx can run (${(err as Error).message})`;
  }
}

export function parseRewriteCond(args: readonly string[], span: SourceSpan | null): Parsed<RewriteCondition> {
  const [test, rawPattern, flagArg, extra] = args;
  if (test === undefined || rawPattern === undefined || extra !== undefined) return { ok: false, reason: 'RewriteCond takes a TestString, a CondPattern and optional [flags]' };
  const flags = flagList(flagArg);
  if (!flags.ok) return flags;
  let nocase = false;
  let ornext = false;
  for (const f of flags.value) {
    if (f === 'nc' || f === 'nocase') nocase = true;
    else if (f === 'or' || f === 'ornext') ornext = true;
    else return { ok: false, reason: `apx runs RewriteCond with [NC] and [OR] only, not [${f.toUpperCase()}]` };
  }
  const unknown = unknownVariable(test);
  if (unknown) return { ok: false, reason: `apx does not evaluate %{${unknown}} (it knows %{HTTP:header}, %{REQUEST_URI}, %{QUERY_STRING}, %{HTTP_HOST} and a few more)` };
  const negate = rawPattern.startsWith('!');
  const pattern = negate ? rawPattern.slice(1) : rawPattern;
  // -f, -d, =, <, > … test files and strings rather than match a regex.
  if (/^(-[a-zA-Z]+|[=<>])/.test(pattern)) return { ok: false, reason: `apx runs regex CondPatterns only, not "${rawPattern}"` };
  const bad = regexOk(pattern, nocase);
  if (bad) return { ok: false, reason: bad };
  return { ok: true, value: { testString: test, pattern, negate, nocase, ornext, span } };
}

export function parseRewriteRule(args: readonly string[], conditions: RewriteCondition[], span: SourceSpan | null): Parsed<RewriteRule> {
  const [rawPattern, substitution, flagArg, extra] = args;
  if (rawPattern === undefined || substitution === undefined || extra !== undefined) return { ok: false, reason: 'RewriteRule takes a Pattern, a Substitution and optional [flags]' };
  const flags = flagList(flagArg);
  if (!flags.ok) return flags;
  let proxy = false;
  let nocase = false;
  for (const f of flags.value) {
    if (f === 'p' || f === 'proxy') proxy = true;
    // [L] is accepted and changes nothing here: every rule apx runs is a [P] one, which implies [L] (below).
    else if (f === 'l' || f === 'last') continue;
    else if (f === 'nc' || f === 'nocase') nocase = true;
    else return { ok: false, reason: `apx runs RewriteRule with [P], [L] and [NC] only, not [${f.toUpperCase()}]` };
  }
  if (!proxy) return { ok: false, reason: 'apx runs proxying RewriteRules ([P]) only; internal rewrites and redirects are not modelled' };
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/$%]/i.test(substitution)) return { ok: false, reason: `a [P] substitution must be an absolute URL with a fixed host (scheme://host…), not "${substitution}"` };
  const unknown = unknownVariable(substitution);
  if (unknown) return { ok: false, reason: `apx does not evaluate %{${unknown}} in a substitution` };
  const negate = rawPattern.startsWith('!');
  const pattern = negate ? rawPattern.slice(1) : rawPattern;
  const bad = regexOk(pattern, nocase);
  if (bad) return { ok: false, reason: bad };
  // [P] implies [L] (mod_rewrite.c: "forced proxy … also implies 'last'").
  return { ok: true, value: { pattern, negate, substitution, flags: { proxy, last: true, nocase }, conditions, span } };
}
