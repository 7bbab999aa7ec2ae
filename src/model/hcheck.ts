/**
 * mod_proxy_hcheck's server-level definitions: `ProxyHCExpr name {expr}` and `ProxyHCTemplate name key=value…`,
 * read as mod_proxy_hcheck.c set_hc_condition / set_hc_template do, with apache2's start-up messages (checked on
 * 2.4.71) when they refuse one. Both are kept per server and a <VirtualHost> does not inherit the main server's
 * (the module has no merge function: a vhost's member naming a main-server ProxyHCExpr is refused).
 */
import { cAtoi, parseApacheTimeout } from '../directives/cnum.js';
import type { HealthCheckExpression, HealthCheckTemplate, SourceSpan } from './types.js';

export type HcParse<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string; readonly hint: string };

/** PROXY_WORKER_MAX_SCHEME_SIZE - 1. */
const MAX_EXPR_NAME = 15;
/** sizeof(proxy_worker_shared.hcuri). */
const MAX_HCURI = 64;
/** proxy_hcmethods_t: the methods 2.4.71 implements (CPING is listed and refused). */
const HC_METHODS = ['NONE', 'TCP', 'OPTIONS', 'HEAD', 'GET', 'OPTIONS11', 'HEAD11', 'GET11'];
const HC_UNIMPLEMENTED = ['CPING', 'PROVIDER'];

/**
 * The expression of `ProxyHCExpr name EXPR`: ap_getword_conf2 takes one word, or a `{…}` group (nested braces
 * counted, the outer pair dropped). The config reader has already split the line on blanks, so a `{…}` group is
 * put back together with single spaces. Returns the expression and what follows it.
 */
function exprWord(words: readonly string[]): { expr: string; rest: string } {
  const text = words.join(' ');
  if (!text.startsWith('{')) return { expr: words[0] ?? '', rest: words.slice(1).join(' ') };
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return { expr: text.slice(1, i).trim(), rest: text.slice(i + 1).trim() };
  }
  return { expr: text.slice(1).trim(), rest: '' };
}

export function parseHcExprDirective(args: readonly string[], span: SourceSpan | null): HcParse<HealthCheckExpression> {
  const [name, ...rest] = args;
  const example = 'ProxyHCExpr ok234 {%{REQUEST_STATUS} =~ /^[234]/}';
  if (name === undefined || name === '') return { ok: false, message: 'Missing expression name for ProxyHCExpr', hint: example };
  if (name.length > MAX_EXPR_NAME) return { ok: false, message: `Expression name limited to ${MAX_EXPR_NAME} characters`, hint: `use a name of at most ${MAX_EXPR_NAME} characters: ${example}` };
  const { expr, rest: extra } = exprWord(rest);
  if (expr === '') return { ok: false, message: 'Missing expression for ProxyHCExpr', hint: example };
  if (extra !== '') {
    // apache2 parses the first word as the whole expression and fails on it, or reports the words after it.
    return { ok: false, message: 'error: extra parameter(s)', hint: `put the expression in braces: ProxyHCExpr ${name} {${rest.join(' ').replace(/^\{|\}$/g, '')}}` };
  }
  return { ok: true, value: { name, expr, span } };
}

/**
 * `ProxyHCTemplate name key=value…`: the parameters as written (keys lower-case, as mod_proxy_hcheck compares
 * them), each checked as set_worker_hc_param checks it. `known` are the names of the ProxyHCExpr and
 * ProxyHCTemplate definitions read so far in the same server (a template can only name earlier ones).
 */
export function parseHcTemplateDirective(
  args: readonly string[],
  span: SourceSpan | null,
  known: { readonly expressions: ReadonlySet<string>; readonly templates: ReadonlySet<string> },
): HcParse<HealthCheckTemplate> {
  const [name, ...words] = args;
  if (name === undefined || name === '') return { ok: false, message: 'Missing template name for ProxyHCTemplate', hint: 'ProxyHCTemplate probe hcmethod=GET hcuri=/health hcinterval=10' };
  const params: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq < 0) return { ok: false, message: "Invalid ProxyHCTemplate parameter. Parameter must be in the form 'key=value'", hint: `write ${word}=VALUE` };
    const key = word.slice(0, eq).toLowerCase();
    const val = word.slice(eq + 1);
    const err = hcParamError(key, val, known);
    if (err !== null) return { ok: false, message: `ProxyHCTemplate: ${err.message} ${word.slice(0, eq)}=${val}; ${name}`, hint: err.hint };
    params[key] = val;
  }
  return { ok: true, value: { name, params, span } };
}

function hcParamError(key: string, val: string, known: { readonly expressions: ReadonlySet<string>; readonly templates: ReadonlySet<string> }): { message: string; hint: string } | null {
  switch (key) {
    case 'hctemplate':
      // Looked up case-insensitively among the templates defined before (ap_cstr_casecmp).
      if (![...known.templates].some((t) => t.toLowerCase() === val.toLowerCase())) return { message: `Unknown ProxyHCTemplate name: ${val}`, hint: `define ProxyHCTemplate ${val} … before this line` };
      return null;
    case 'hcmethod': {
      const m = val.toUpperCase();
      if (HC_UNIMPLEMENTED.includes(m)) return { message: `Health check method ${val} not (yet) implemented`, hint: `use one of ${HC_METHODS.join(', ')}` };
      if (!HC_METHODS.includes(m)) return { message: 'Unknown method', hint: `use one of ${HC_METHODS.join(', ')}` };
      return null;
    }
    case 'hcinterval': {
      const micros = parseApacheTimeout(val, 's');
      if (micros === null) return { message: 'Unparse-able hcinterval setting', hint: 'hcinterval=30 (seconds) or hcinterval=500ms' };
      // AP_WD_TM_SLICE: the watchdog's 100 ms tick.
      if (micros < 100_000) return { message: 'Interval must be a positive value greater than 100ms', hint: 'hcinterval=30 (seconds) or hcinterval=500ms' };
      return null;
    }
    case 'hcpasses':
    case 'hcfails':
      if (cAtoi(val) < 0) return { message: `${key === 'hcpasses' ? 'Passes' : 'Fails'} must be a positive value`, hint: `${key}=1` };
      return null;
    case 'hcuri':
      if (val.length >= MAX_HCURI) return { message: `Health check uri length must be < ${MAX_HCURI} characters`, hint: 'use a shorter path, e.g. hcuri=/health' };
      return null;
    case 'hcexpr':
      // A table lookup: case-sensitive, among the ProxyHCExpr of this server read so far.
      if (!known.expressions.has(val)) return { message: `Unknown health check condition expr: ${val}`, hint: `define ProxyHCExpr ${val} {%{REQUEST_STATUS} =~ /^[234]/} before this line, in the same server` };
      return null;
    default:
      return { message: 'unknown Worker hcheck parameter', hint: 'the parameters are hcmethod, hcuri, hcinterval, hcpasses, hcfails, hcexpr and hctemplate' };
  }
}
