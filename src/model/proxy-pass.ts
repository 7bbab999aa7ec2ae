/**
 * ProxyPass, ProxyPassMatch and ProxyPassReverse* as mod_proxy.c add_pass() / add_pass_reverse() / cookie_path()
 * read them, at server level or inside a <Location>, and the worker each direct target uses
 * (ap_proxy_get_worker_ex: a URL that extends an existing worker's URL shares that worker).
 */
import type { ResolvedDirective, ResolvedSection } from '../config/types.js';
import { nameKey, sameName } from '../syntax/names.js';
import { checkParams, setParams, toSourceSpan, type Collector } from './context.js';
import type { RouteDraft, ServerScope, WorkerDef } from './scope.js';
import type { ReverseRule, RouteFlags, Target } from './types.js';
import { defaultPort, parseTarget } from './url.js';
import { paramTable } from './workers.js';

/** apr_fnmatch_test(): does the text have a wildcard? A <Location> path with one makes its ProxyPass a regex. */
function fnmatchTest(p: string): boolean {
  let nesting = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '?' || c === '*') return true;
    if (c === '\\') {
      if (++i >= p.length) return false;
    } else if (c === '[') nesting++;
    else if (c === ']' && nesting > 0) return true;
  }
  return false;
}

/** The normalised worker name of a target: lower-case scheme and host, the scheme's default port dropped. */
export function workerName(t: Target): string {
  const m = /^([^:]+:\/\/)([^/]*)(.*)$/s.exec(t.url.replace(/^unix:[^|]*\|/i, ''));
  const authority = (m?.[2] ?? '').replace(/^.*@/, '');
  const hostPart = nameKey(authority).replace(new RegExp(`:${defaultPort(t.scheme) ?? 'none'}$`), '');
  return `${t.unixSocket !== null ? `unix:${t.unixSocket}|` : ''}${t.scheme}://${hostPart}${m?.[3] ?? ''}`;
}

export interface LocationInfo {
  readonly path: string;
  readonly isRegex: boolean;
}

export function locationOf(s: ResolvedSection): LocationInfo {
  if (sameName(s.name, 'LocationMatch')) return { path: s.args[0] ?? '', isRegex: true };
  if (s.args[0] === '~') return { path: s.args[1] ?? '', isRegex: true };
  return { path: s.args[0] ?? '', isRegex: false };
}

/** ap_proxy_get_worker_ex(): the longest existing worker name the URL starts with (prefix workers), or the same name. */
export function findWorker(scope: ServerScope, name: string, kind: 'prefix' | 'match'): WorkerDef | null {
  let best: WorkerDef | null = null;
  for (const w of scope.workers) {
    if (w.kind !== kind) continue;
    const hit = kind === 'prefix' ? name.startsWith(w.name) : name === w.name;
    if (hit && (best === null || w.name.length > best.name.length)) best = w;
  }
  return best;
}

export function addPass(c: Collector, d: ResolvedDirective, scope: ServerScope, loc: { section: ResolvedSection; info: LocationInfo } | null): void {
  const isMatch = sameName(d.name, 'ProxyPassMatch');
  const directive = isMatch ? 'ProxyPassMatch' : 'ProxyPass';
  const words = [...d.args];
  let regex = isMatch;
  let path: string | null = loc ? loc.info.path : null;
  if (!loc) {
    if (words[0] === '~') {
      if (isMatch) return c.error(d, 'model/invalid-proxypass', "ProxyPassMatch invalid syntax ('~' usage)", 'write ProxyPassMatch REGEX URL, or ProxyPass ~ REGEX URL');
      words.shift();
      regex = true;
    }
    path = words.shift() ?? null;
  }
  const url = words.shift();
  if (path === null || url === undefined) {
    return c.error(d, 'model/invalid-proxypass', `${directive} needs a path and a URL when not defined in a location`, `${directive} /path http://backend/`);
  }
  const flags: RouteFlags = { nocanon: false, noquery: false, interpolate: false, mapping: null };
  const params: string[] = [];
  for (const w of words) {
    const k = nameKey(w);
    if (k === 'nocanon' || k === 'noquery' || k === 'interpolate') flags[k] = true;
    else if (!w.includes('=')) {
      if (loc && url.startsWith('/')) {
        return c.error(d, 'model/invalid-proxypass', `${directive} can not have a path when defined in a location`, `drop the path: inside <Location ${loc.info.path}> write ${directive} ${w}`);
      }
      return c.error(d, 'model/invalid-proxypass', `Invalid ${directive} parameter "${w}": parameters must be in the form key=value`);
    } else if (nameKey(w.slice(0, w.indexOf('='))) === 'mapping') {
      const m = nameKey(w.slice(w.indexOf('=') + 1));
      if (m !== 'encoded' && m !== 'servlet') return c.error(d, 'model/invalid-parameter', `unknown mapping "${w}"`, 'mapping=encoded or mapping=servlet');
      flags.mapping = m;
    } else params.push(w);
  }
  // In a <Location>, a path with wildcards is compiled as a regex (add_pass: apr_fnmatch_test(cmd->path)).
  if (loc && !regex && fnmatchTest(path)) regex = true;
  if (loc && loc.info.isRegex) regex = regex || fnmatchTest(path);
  const match = regex ? ({ kind: 'regex', pattern: path, caseInsensitive: false } as const) : ({ kind: 'prefix', path } as const);
  if (regex) {
    try {
      new RegExp(path);
    } catch {
      // JavaScript and PCRE differ at the edges; only report what neither accepts loosely.
      c.warn(d, 'model/regex', `${directive} regular expression "${path}" is not understood by apx; apache2 may still accept it (PCRE)`);
    }
  }
  const base = { match, flags, directive, location: loc ? loc.info.path : null, locationIsRegex: loc ? loc.info.isRegex : false, span: toSourceSpan(d.span) } as const;
  let draft: RouteDraft;
  if (url === '!') {
    draft = { ...base, exclude: true, target: null, worker: null, regexWithSubstitution: false };
  } else {
    const parsed = parseTarget(url);
    if (!parsed.ok) return c.error(d, 'model/invalid-url', `${directive} target ${parsed.message}`, 'write an absolute URL: http://host:port/path');
    const target = parsed.target;
    if (target.balancer !== null) {
      if (!checkParams(c, d, params, 'balancer', directive, url)) return;
      const b = c.balancer(target.balancer, d);
      setParams(b.params, paramTable(params));
      draft = { ...base, exclude: false, target, worker: null, regexWithSubstitution: false };
    } else {
      if (!checkParams(c, d, params, 'worker', directive, url)) return;
      const kind = regex ? 'match' : 'prefix';
      const name = workerName(target);
      const table = paramTable(params);
      let worker = findWorker(scope, name, kind);
      if (worker) {
        const ignored = [...table].filter(([k, v]) => worker!.params.get(k) !== v);
        if (ignored.length > 0) {
          c.warn(d, 'model/worker-shared', `${directive} shares the worker ${worker.name} defined earlier, so ${ignored.map(([k, v]) => `${k}=${v}`).join(' ')} ${ignored.length === 1 ? 'is' : 'are'} ignored (Apache logs AH01146)`, 'give the parameters on the first ProxyPass of this backend, or make the URLs differ so they are separate workers');
        }
      } else {
        worker = { name, kind, params: table };
        scope.workers.push(worker);
      }
      draft = { ...base, exclude: false, target, worker, regexWithSubstitution: regex && /\$\d/.test(url) };
    }
  }
  if (loc) scope.locationRoutes.set(loc.section, draft);
  else scope.routes.push(draft);
}

export function addReverse(c: Collector, d: ResolvedDirective, scope: ServerScope, loc: LocationInfo | null): void {
  const key = nameKey(d.name);
  const span = toSourceSpan(d.span);
  const list = loc ? scope.locationReverse : scope.reverse;
  if (key === 'proxypassreverse') {
    let path: string | undefined;
    let url: string | undefined;
    let interp: string | undefined;
    if (loc) {
      [url, interp] = d.args;
      path = loc.path;
      if (interp !== undefined && nameKey(interp) !== 'interpolate') return c.error(d, 'model/invalid-proxypassreverse', 'ProxyPassReverse can not have a path when defined in a location', `inside <Location ${loc.path}> write ProxyPassReverse ${interp}`);
    } else {
      [path, url, interp] = d.args;
      if (url === undefined || nameKey(url) === 'interpolate') return c.error(d, 'model/invalid-proxypassreverse', 'ProxyPassReverse needs a path when not defined in a location', 'ProxyPassReverse /path http://backend/');
    }
    if (url === undefined || path === undefined) return c.error(d, 'model/invalid-proxypassreverse', 'ProxyPassReverse needs a URL');
    list.push({ kind: 'url', path, url, interpolate: interp !== undefined, location: loc ? loc.path : null, span });
    return;
  }
  const [internal, pub] = d.args;
  if (internal === undefined || pub === undefined) return c.error(d, 'model/invalid-cookie-rule', `${d.name} needs two arguments: the backend's value and the public one`);
  const rule: ReverseRule = key === 'proxypassreversecookiedomain' ? { kind: 'cookie-domain', internal, public: pub, span } : { kind: 'cookie-path', internal, public: pub, span };
  list.push(rule);
}
