/**
 * What the collecting pass shares between its parts: diagnostics, the balancers seen so far, and the checks
 * mod_proxy's command handlers make on key=value parameters (formatParamError gives Apache's own wording).
 */
import type { Diagnostic, Span } from '../diagnostic.js';
import type { ResolvedDirective, ResolvedSection } from '../config/types.js';
import { formatParamError, validateBalancerParam, validateProxyPassWord, validateWorkerParam } from '../directives/params.js';
import type { SourceSpan, Target } from './types.js';
import type { ParamTable } from './workers.js';

export interface BalancerDraft {
  /** Lower-case name (balancer names compare case-insensitively). */
  readonly name: string;
  readonly params: ParamTable;
  readonly members: { url: string; target: Target; params: ParamTable; span: SourceSpan | null }[];
  span: SourceSpan | null;
  /** Where it was first referred to, for the "no members" warning. */
  readonly firstUse: Span;
}

export type Located = ResolvedDirective | ResolvedSection;

export interface Collector {
  readonly diagnostics: Diagnostic[];
  readonly balancers: Map<string, BalancerDraft>;
  error(at: Located, code: string, message: string, hint?: string): void;
  warn(at: Located, code: string, message: string, hint?: string): void;
  /** The balancer of that (lower-case) name, created on first mention as httpd does. */
  balancer(name: string, at: Located): BalancerDraft;
}

export function newCollector(): Collector {
  const diagnostics: Diagnostic[] = [];
  const balancers = new Map<string, BalancerDraft>();
  const report = (severity: 'error' | 'warning') => (at: Located, code: string, message: string, hint?: string): void => {
    diagnostics.push({ severity, code, message, span: at.span, ...(hint !== undefined ? { hint } : {}) });
  };
  return {
    diagnostics,
    balancers,
    error: report('error'),
    warn: report('warning'),
    balancer(name, at) {
      let b = balancers.get(name);
      if (!b) {
        b = { name, params: new Map(), members: [], span: null, firstUse: at.span };
        balancers.set(name, b);
      }
      return b;
    },
  };
}

export function toSourceSpan(s: Span): SourceSpan {
  return { file: s.file, line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn };
}

/** Later values win, as a repeated key does in httpd's apr_table_setn. */
export function setParams(into: ParamTable, from: ParamTable): void {
  for (const [k, v] of from) {
    into.delete(k);
    into.set(k, v);
  }
}

/**
 * Parameters are checked as if every module were loaded: whether `lbmethod=bybusyness` or `hcmethod=` has its
 * module is `apx lint`'s question (missing modules), not a reason for the model to drop the rule.
 */
const PARAM_CONTEXT = {};

/** Validate key=value words for a worker or balancer as mod_proxy would; report the first refusal. */
export function checkParams(c: Collector, d: ResolvedDirective | ResolvedSection, words: readonly string[], target: 'worker' | 'balancer', directive: 'ProxyPass' | 'ProxyPassMatch' | 'BalancerMember' | 'ProxySet' | 'Proxy', name: string): boolean {
  for (const w of words) {
    const eq = w.indexOf('=');
    if (directive === 'ProxyPass' || directive === 'ProxyPassMatch') {
      const msg = validateProxyPassWord(w, target, PARAM_CONTEXT);
      if (msg !== null) {
        c.error(d, 'model/invalid-parameter', `${formatParamError(directive, msg, w.slice(0, eq), w.slice(eq + 1), name)} (${w})`, 'fix or remove the parameter: apache2 refuses to start with it');
        return false;
      }
      continue;
    }
    if (eq <= 0) {
      c.error(d, 'model/invalid-parameter', `${directive} parameter "${w}" must be in the form key=value`);
      return false;
    }
    const key = w.slice(0, eq);
    const value = w.slice(eq + 1);
    const msg = target === 'balancer' ? validateBalancerParam(key, value, PARAM_CONTEXT) : validateWorkerParam(key, value, PARAM_CONTEXT);
    if (msg !== null) {
      c.error(d, 'model/invalid-parameter', formatParamError(directive, msg, key, value, name), 'fix or remove the parameter: apache2 refuses to start with it');
      return false;
    }
  }
  return true;
}
