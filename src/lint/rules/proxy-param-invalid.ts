/**
 * `key=value` parameters Apache refuses at start-up on ProxyPass/ProxyPassMatch, BalancerMember, ProxySet and
 * `<Proxy url key=value>`: unknown keys ("ProxyPass unknown Worker parameter" for `retries=3`), invalid values
 * ("ProxyPass Timeout has wrong format" for `timeout=soon`), and bare words that are not flags. mod_proxy.c
 * add_pass()/add_member()/set_proxy_param() → proxy_util.c set_worker_param()/set_balancer_param().
 */
import type { Span } from '../../diagnostic.js';
import {
  formatParamError,
  LBMETHOD_MODULES,
  validateBalancerParam,
  validateProxyPassWord,
  validateWorkerParam,
  workerParam,
  balancerParam,
  BALANCER_PARAMS,
  WORKER_PARAMS,
  type ParamContext,
  type ParamDirective,
} from '../../directives/index.js';
import { nameKey, sameName } from '../../syntax/names.js';
import { editDistance } from '../../directives/distance.js';
import { argSpan, balancerKey } from '../paths.js';
import type { ResolvedDirective, ResolvedSection } from '../../config/types.js';
import { defineRule } from './define.js';

/** The known key nearest to an unknown one (`retries` → `retry`), within two edits. */
function nearestKey(key: string, balancer: boolean): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 2)) + 1;
  for (const p of balancer ? BALANCER_PARAMS : WORKER_PARAMS) {
    const d = editDistance(nameKey(key), p.key, bestDistance);
    if (d < bestDistance) {
      best = p.key;
      bestDistance = d;
    }
  }
  return best;
}

export const proxyParamInvalid = defineRule(
  { id: 'proxy-param-invalid', description: 'an unknown or invalid key=value parameter on ProxyPass, BalancerMember, ProxySet or <Proxy>', severity: 'error' },
  (context) => {
    const hcExpressions = new Set<string>();
    const hcTemplates = new Set<string>();
    for (const { directive } of context.byName('ProxyHCExpr')) if (directive.args[0]) hcExpressions.add(directive.args[0]);
    for (const { directive } of context.byName('ProxyHCTemplate')) if (directive.args[0]) hcTemplates.add(directive.args[0]);
    const params: ParamContext = { modules: context.modules, hcExpressions, hcTemplates };

    const report = (directive: ParamDirective, word: string, message: string, span: Span, name: string, balancer: boolean): void => {
      const eq = word.indexOf('=');
      const key = eq < 0 ? word : word.slice(0, eq);
      const value = eq < 0 ? '' : word.slice(eq + 1);
      const spec = eq < 0 ? undefined : balancer ? balancerParam(key) : workerParam(key);
      const apache = eq < 0 ? message : formatParamError(directive, message, key, value, name);
      const near = eq < 0 || spec ? undefined : nearestKey(key, balancer);
      const hint = spec
        ? `${spec.key}= takes ${spec.accepts} (default ${spec.default})`
        : eq < 0
          ? 'parameters are written key=value; the bare flags are nocanon, interpolate and noquery'
          : near !== undefined
            ? `did you mean ${near}=${value}?`
            : `remove ${key}= or use a ${balancer ? 'balancer' : 'worker'} parameter Apache knows (see https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass)`;
      context.report({ message: `${word}: Apache refuses to start ("${apache}")`, span, hint });
    };
    // The lbmethod module being loaded is balancer-provider-missing's to report, with its a2enmod hint.
    const lbmethodKnown = (word: string): boolean => {
      const m = /^lbmethod=(.*)$/i.exec(word);
      return m !== null && Object.hasOwn(LBMETHOD_MODULES, m[1]!);
    };
    const checkWords = (directive: ParamDirective, d: ResolvedDirective | ResolvedSection, from: number, name: string, allowFlags: boolean): void => {
      const balancer = balancerKey(name) !== null;
      for (let i = from; i < d.args.length; i++) {
        const word = d.args[i]!;
        if (lbmethodKnown(word)) continue;
        let problem: string | null;
        if (allowFlags) problem = validateProxyPassWord(word, balancer ? 'balancer' : 'worker', params);
        else {
          const eq = word.indexOf('=');
          if (eq < 0) problem = "Parameter must be in the form 'key=value'";
          else problem = balancer ? validateBalancerParam(word.slice(0, eq), word.slice(eq + 1), params) : validateWorkerParam(word.slice(0, eq), word.slice(eq + 1), params);
        }
        if (problem !== null) report(directive, word, problem, argSpan(d, i), name, balancer);
      }
    };

    const index = context.proxy();
    for (const p of index.passes) {
      if (p.exclusion || p.pathInLocation) continue;
      checkWords(sameName(p.directive.name, 'ProxyPassMatch') ? 'ProxyPassMatch' : 'ProxyPass', p.directive, p.optionsStart, p.target, true);
    }
    for (const b of index.balancers.values()) {
      // A member's own parameters are worker parameters, whatever balancer it joins.
      for (const m of b.members) checkWords('BalancerMember', m.directive, m.paramsStart, m.url, false);
    }
    for (const { directive, ctx } of context.byName('ProxySet')) {
      const first = directive.args[0] ?? '';
      const named = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(first) && !first.includes('=');
      const proxy = [...ctx.enclosing].reverse().find((s) => sameName(s.name, 'Proxy') || sameName(s.name, 'ProxyMatch'));
      const name = named ? first : (proxy?.args[0] ?? '');
      checkWords('ProxySet', directive, named ? 1 : 0, name, false);
    }
    for (const { section } of [...context.sectionsByName('Proxy'), ...context.sectionsByName('ProxyMatch')]) {
      if (section.args.length < 2) continue;
      checkWords(sameName(section.name, 'Proxy') ? 'Proxy' : 'ProxyMatch', section, 1, section.args[0]!, false);
    }
  },
);
