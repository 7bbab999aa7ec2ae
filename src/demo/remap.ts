/**
 * Point a compiled model's backends somewhere else without touching the config file: the demo serves the
 * tutorial's sample as written (members on 127.0.0.1:8080 and :8081) even when those ports are taken, by moving
 * the built-in backends to free ports and rewriting the model's backend URLs to match. Everything that names a
 * backend by URL moves together — direct ProxyPass targets, BalancerMembers and ProxyPassReverse URLs — so
 * Location rewriting keeps working after the move.
 */
import type { BalancerMember, ProxyModel, ReverseRule, Route, Server, Target } from '../model/types.js';

/** `127.0.0.1:8080` → the host and port to use instead. */
export interface BackendMove {
  readonly from: { readonly host: string; readonly port: number };
  readonly to: { readonly host: string; readonly port: number };
}

const URL_RE = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is;
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, ws: 80, https: 443, wss: 443 };

function authority(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Host and effective port of `scheme://authority/…`, or null for URLs without one (balancer://, unix:). */
function hostPortOf(url: string): { prefix: string; host: string; port: number; rest: string } | null {
  const m = URL_RE.exec(url);
  if (!m) return null;
  const scheme = m[1]!.slice(0, -3).toLowerCase();
  const auth = m[2]!.replace(/^[^@]*@/, '');
  const hp = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(auth);
  if (!hp) return null;
  const host = hp[1]!.replace(/^\[|\]$/g, '');
  const port = hp[2] !== undefined ? Number(hp[2]) : DEFAULT_PORTS[scheme];
  if (port === undefined) return null;
  return { prefix: m[1]!, host, port, rest: m[3]! };
}

function sameHost(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function moveFor(moves: readonly BackendMove[], host: string, port: number): BackendMove | undefined {
  return moves.find((m) => sameHost(m.from.host, host) && m.from.port === port);
}

/** The URL with its authority replaced when a move applies; unchanged otherwise. */
export function remapUrl(url: string, moves: readonly BackendMove[]): string {
  const p = hostPortOf(url);
  if (!p) return url;
  const mv = moveFor(moves, p.host, p.port);
  return mv ? `${p.prefix}${authority(mv.to.host, mv.to.port)}${p.rest}` : url;
}

function remapTarget(t: Target, moves: readonly BackendMove[]): Target {
  if (t.port === null) return t;
  const mv = moveFor(moves, t.host, t.port);
  return mv ? { ...t, url: remapUrl(t.url, moves), host: mv.to.host, port: mv.to.port } : t;
}

function remapRoute(r: Route, moves: readonly BackendMove[]): Route {
  return r.target ? { ...r, target: remapTarget(r.target, moves) } : r;
}

function remapReverse(r: ReverseRule, moves: readonly BackendMove[]): ReverseRule {
  return r.kind === 'url' ? { ...r, url: remapUrl(r.url, moves) } : r;
}

function remapServer<S extends Server>(s: S, moves: readonly BackendMove[]): S {
  return { ...s, routes: s.routes.map((r) => remapRoute(r, moves)), reverse: s.reverse.map((r) => remapReverse(r, moves)) };
}

function remapMember(m: BalancerMember, moves: readonly BackendMove[]): BalancerMember {
  return { ...m, url: remapUrl(m.url, moves), target: remapTarget(m.target, moves) };
}

/** A copy of the model with every backend URL named in `moves` pointed at its new address; the input is not changed. */
export function remapBackends(model: ProxyModel, moves: readonly BackendMove[]): ProxyModel {
  if (moves.length === 0) return model;
  return {
    ...model,
    mainServer: remapServer(model.mainServer, moves),
    virtualHosts: model.virtualHosts.map((v) => remapServer(v, moves)),
    balancers: model.balancers.map((b) => ({ ...b, members: b.members.map((m) => remapMember(m, moves)) })),
  };
}

/** Every backend `host:port` the model sends requests to (members and direct targets), in first-seen order. */
export function backendAddresses(model: ProxyModel): { host: string; port: number }[] {
  const out: { host: string; port: number }[] = [];
  const add = (t: Target | null): void => {
    if (!t || t.port === null || t.balancer !== null) return;
    if (!out.some((a) => sameHost(a.host, t.host) && a.port === t.port)) out.push({ host: t.host, port: t.port });
  };
  for (const b of model.balancers) for (const m of b.members) add(m.target);
  for (const s of [model.mainServer, ...model.virtualHosts]) for (const r of s.routes) add(r.target);
  return out;
}
