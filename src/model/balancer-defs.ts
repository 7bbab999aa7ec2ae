/**
 * Balancers and worker parameters outside ProxyPass: BalancerMember (mod_proxy.c add_member), ProxySet
 * (set_proxy_param) and the key=value words of a `<Proxy url …>` opener (proxysection).
 */
import type { ResolvedDirective, ResolvedSection } from '../config/types.js';
import { sameName } from '../syntax/names.js';
import { checkParams, setParams, toSourceSpan, type Collector } from './context.js';
import { findWorker, workerName } from './proxy-pass.js';
import type { ServerScope } from './scope.js';
import { parseTarget } from './url.js';
import { paramTable } from './workers.js';

/** `<Proxy url>` / `<ProxyMatch re>`: the URL (a `proxy:` prefix dropped, as proxysection() does) and opener params. */
export function proxySectionUrl(s: ResolvedSection): { url: string; isRegex: boolean; params: string[] } {
  const words = [...s.args];
  let isRegex = sameName(s.name, 'ProxyMatch');
  if (!isRegex && words[0] === '~') {
    words.shift();
    isRegex = true;
  }
  const url = (words.shift() ?? '').replace(/^proxy:/i, '');
  return { url, isRegex, params: words };
}

export function addMember(c: Collector, d: ResolvedDirective, proxyUrl: string | null): void {
  const words = [...d.args];
  let name = proxyUrl;
  // Outside <Proxy balancer://…> the first argument names the balancer (mod_proxy.c add_member).
  if (words.length > 0 && /^balancer:\/\//i.test(words[0]!) && (name === null || words.length > 1 && !words[1]!.includes('='))) name = words.shift()!;
  if (name === null) return c.error(d, 'model/invalid-balancermember', 'BalancerMember outside <Proxy balancer://…> must name its balancer first', 'BalancerMember balancer://mycluster http://backend:8080');
  const bt = parseTarget(name);
  if (!bt.ok || bt.target.balancer === null) return c.error(d, 'model/invalid-balancermember', `BalancerMember belongs to "${name}", which is not a balancer:// URL`);
  const url = words.shift();
  if (url === undefined) return c.error(d, 'model/invalid-balancermember', 'BalancerMember needs a member URL');
  const parsed = parseTarget(url);
  if (!parsed.ok) return c.error(d, 'model/invalid-url', `BalancerMember ${parsed.message}`, 'write an absolute URL: http://host:port/');
  if (parsed.target.balancer !== null) return c.error(d, 'model/invalid-balancermember', 'a BalancerMember cannot itself be a balancer:// URL');
  if (!checkParams(c, d, words, 'worker', 'BalancerMember', url)) return;
  const b = c.balancer(bt.target.balancer, d);
  b.span ??= toSourceSpan(d.span);
  b.members.push({ url, target: parsed.target, params: paramTable(words), span: toSourceSpan(d.span) });
}

/** ProxySet (in <Proxy url> or with the URL first) and `<Proxy url key=value>`: parameters of a balancer or a worker. */
export function proxySet(c: Collector, d: ResolvedDirective | ResolvedSection, scope: ServerScope, url: string, words: readonly string[], directive: 'ProxySet' | 'Proxy'): void {
  const parsed = parseTarget(url);
  if (!parsed.ok) {
    if (words.length > 0) c.error(d, 'model/invalid-url', `${directive} ${parsed.message}`);
    return;
  }
  if (parsed.target.balancer !== null) {
    if (!checkParams(c, d, words, 'balancer', directive, url)) return;
    const b = c.balancer(parsed.target.balancer, d);
    if (directive === 'Proxy') b.span ??= toSourceSpan(d.span);
    setParams(b.params, paramTable(words));
    return;
  }
  if (words.length === 0) return;
  if (!checkParams(c, d, words, 'worker', directive, url)) return;
  const name = workerName(parsed.target);
  const existing = findWorker(scope, name, 'prefix');
  if (existing) setParams(existing.params, paramTable(words));
  else scope.workers.push({ name, kind: 'prefix', params: paramTable(words) });
}
