/**
 * Models written before a field was added to version 1 (see docs/model.md "versioning": fields added compatibly
 * keep the version, and are optional when a model is read). `completeModel` gives such a model every field the
 * current compiler writes, so consumers read typed fields only:
 * - `rewrites` (none) and `limits` (httpd's defaults);
 * - `requestReadTimeout`, `keepAliveTimeoutMs`, `keepAlive`, `maxKeepAliveRequests` and `healthChecks`: before
 *   they were fields, apx listed RequestReadTimeout, KeepAliveTimeout, KeepAlive, MaxKeepAliveRequests, ProxyHCExpr
 *   and ProxyHCTemplate in `unsupported` with their arguments.
 *   They are taken from there (each entry belongs to the <VirtualHost> whose span holds it, else to the main
 *   server) and removed from `unsupported`, as a model compiled today has them.
 * - the TLS session fields (`sessionTickets`, `sessionCache`, `sessionCacheTimeout`): before them, SSLSessionTickets
 *   was listed as unsupported and SSLSessionCache / SSLSessionCacheTimeout as irrelevant; taken from there the same
 *   way, so that an older model of Debian's ssl.conf (`SSLSessionTickets off`) still issues no ticket.
 */
import {
  DEFAULT_KEEP_ALIVE,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_MAX_KEEP_ALIVE_REQUESTS,
  DEFAULT_REQUEST_READ_TIMEOUT,
  parseKeepAliveTimeout,
  parseRequestReadTimeout,
} from './client-timeouts.js';
import { cAtoi } from '../directives/cnum.js';
import { parseFlag } from '../directives/shapes.js';
import type { HealthChecks, ProxyModel, RequestReadTimeout, Server, SourceSpan, Tls, Unsupported } from './types.js';
import { parseSessionCache, parseSessionCacheTimeout, parseSessionTickets } from './ssl-session.js';
import { nameKey } from '../syntax/names.js';

const LEGACY = new Set(['requestreadtimeout', 'keepalivetimeout', 'keepalive', 'maxkeepaliverequests', 'proxyhcexpr', 'proxyhctemplate'].map(nameKey));
const SESSION = new Set(['sslsessiontickets', 'sslsessioncache', 'sslsessioncachetimeout'].map(nameKey));
/** A TLS block written before the session fields: none of the three is there. */
const beforeSession = (t: Tls | null): boolean => t !== null && t.sessionTickets === undefined && t.sessionCache === undefined && t.sessionCacheTimeout === undefined;

type Complete<S extends Server> = S & Required<Pick<Server, 'requestReadTimeout' | 'keepAliveTimeoutMs' | 'keepAlive' | 'maxKeepAliveRequests' | 'healthChecks'>>;

/** A model as the current compiler writes it: returned as is when nothing is missing (no copy). */
export function completeModel(model: ProxyModel): ProxyModel & { mainServer: Complete<Server>; virtualHosts: Complete<ProxyModel['virtualHosts'][number]>[] } {
  type Result = ReturnType<typeof completeModel>;
  const servers: Server[] = [model.mainServer, ...model.virtualHosts];
  const missing = servers.some((s) => s.requestReadTimeout === undefined || s.keepAliveTimeoutMs === undefined || s.keepAlive === undefined || s.maxKeepAliveRequests === undefined || s.healthChecks === undefined || s.rewrites === undefined || s.limits === undefined);
  const sessionMissing = servers.some((s) => beforeSession(s.tls));
  if (!missing && !sessionMissing) return model as Result;

  const lifted = (u: Unsupported): boolean => LEGACY.has(nameKey(u.directive)) || (sessionMissing && SESSION.has(nameKey(u.directive)));
  const legacy = (model.unsupported ?? []).filter(lifted);
  const owner = (span: SourceSpan | null): number => {
    if (span === null) return -1;
    return model.virtualHosts.findIndex((v) => v.span !== null && v.span.file === span.file && span.line >= v.span.line && span.line <= v.span.endLine);
  };
  const own = (i: number): Unsupported[] => legacy.filter((u) => owner(u.span) === i);
  const reqtimeoutLoaded = (model.source?.modules ?? []).includes('reqtimeout') || legacy.some((u) => nameKey(u.directive) === nameKey('RequestReadTimeout'));

  const mainOwn = ownSettings(own(-1));
  const fill = <S extends Server>(s: S, i: number): Complete<S> => {
    const mine = i < 0 ? mainOwn : ownSettings(own(i));
    const stage = (k: keyof RequestReadTimeout): RequestReadTimeout[typeof k] => {
      const v = mine.readTimeout[k] !== undefined ? mine.readTimeout[k] : mainOwn.readTimeout[k] !== undefined ? mainOwn.readTimeout[k] : DEFAULT_REQUEST_READ_TIMEOUT[k];
      return v === null || v === undefined ? null : { ...v };
    };
    return {
      ...s,
      rewrites: s.rewrites ?? [],
      limits: s.limits ?? { requestLine: 8190, fieldSize: 8190, fields: 100 },
      requestReadTimeout: s.requestReadTimeout !== undefined ? s.requestReadTimeout : reqtimeoutLoaded ? { handshake: stage('handshake'), header: stage('header'), body: stage('body') } : null,
      // A vhost's 0, as its -1 for MaxKeepAliveRequests below, is httpd's "unset" (ap_fixup_virtual_hosts).
      keepAliveTimeoutMs: s.keepAliveTimeoutMs ?? (i >= 0 && mine.keepAliveMs === 0 ? undefined : mine.keepAliveMs) ?? mainOwn.keepAliveMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
      keepAlive: s.keepAlive ?? mine.keepAlive ?? mainOwn.keepAlive ?? DEFAULT_KEEP_ALIVE,
      maxKeepAliveRequests: s.maxKeepAliveRequests ?? (i >= 0 && mine.maxKeepAliveRequests === -1 ? undefined : mine.maxKeepAliveRequests) ?? mainOwn.maxKeepAliveRequests ?? DEFAULT_MAX_KEEP_ALIVE_REQUESTS,
      healthChecks: s.healthChecks ?? mine.healthChecks,
      tls: beforeSession(s.tls) ? { ...s.tls!, ...sessionSettings(own(i), i < 0 ? [] : own(-1), i < 0) } : s.tls,
    };
  };
  return {
    ...model,
    mainServer: fill(model.mainServer, -1),
    virtualHosts: model.virtualHosts.map((v, i) => fill(v, i)),
    unsupported: (model.unsupported ?? []).filter((u) => !lifted(u)),
  };
}

interface OwnSettings {
  readTimeout: Partial<RequestReadTimeout>;
  keepAliveMs: number | undefined;
  keepAlive: boolean | undefined;
  maxKeepAliveRequests: number | undefined;
  healthChecks: HealthChecks;
}

/** What one server's legacy entries set, in config order; entries apache2 would refuse are skipped. */
function ownSettings(entries: readonly Unsupported[]): OwnSettings {
  const out: OwnSettings = { readTimeout: {}, keepAliveMs: undefined, keepAlive: undefined, maxKeepAliveRequests: undefined, healthChecks: { expressions: [], templates: [] } };
  for (const u of entries) {
    const [name, ...rest] = u.args;
    switch (nameKey(u.directive)) {
      case 'requestreadtimeout': {
        const r = parseRequestReadTimeout(u.args);
        if (r.ok) Object.assign(out.readTimeout, r.stages);
        break;
      }
      case 'keepalivetimeout':
        if (u.args.length === 1) out.keepAliveMs = parseKeepAliveTimeout(u.args[0]!) ?? out.keepAliveMs;
        break;
      case 'keepalive':
        out.keepAlive = parseFlag(u.args) ?? out.keepAlive;
        break;
      case 'maxkeepaliverequests':
        if (u.args.length === 1) out.maxKeepAliveRequests = cAtoi(u.args[0]!);
        break;
      case 'proxyhcexpr':
        if (name) {
          // The words after the name, braces of a `{…}` group dropped.
          let expr = rest.join(' ').trim();
          if (expr.startsWith('{') && expr.endsWith('}')) expr = expr.slice(1, -1).trim();
          if (expr !== '') out.healthChecks.expressions.push({ name, expr, span: u.span });
        }
        break;
      case 'proxyhctemplate':
        if (name) {
          const params: Record<string, string> = {};
          for (const w of rest) {
            const eq = w.indexOf('=');
            if (eq > 0) params[w.slice(0, eq).toLowerCase()] = w.slice(eq + 1);
          }
          out.healthChecks.templates.push({ name, params, span: u.span });
        }
        break;
    }
  }
  return out;
}

/**
 * A server's session settings from its legacy entries (the last valid one wins, as in mod_ssl), else the main
 * server's (cfgMerge); SSLSessionCache only from the main server, where apache2 allows it.
 */
function sessionSettings(own: readonly Unsupported[], main: readonly Unsupported[], isMain: boolean): Pick<Tls, 'sessionTickets' | 'sessionCache' | 'sessionCacheTimeout'> {
  const last = <T>(entries: readonly Unsupported[], directive: string, parse: (u: Unsupported) => { ok: true; value: T } | { ok: false }): T | null => {
    let v: T | null = null;
    for (const u of entries) {
      if (nameKey(u.directive) !== nameKey(directive)) continue;
      const r = parse(u);
      if (r.ok) v = r.value;
    }
    return v;
  };
  const tickets = (e: readonly Unsupported[]): boolean | null => last(e, 'SSLSessionTickets', (u) => parseSessionTickets(u.args));
  const timeout = (e: readonly Unsupported[]): number | null => last(e, 'SSLSessionCacheTimeout', (u) => parseSessionCacheTimeout(u.args[0] ?? ''));
  return {
    sessionTickets: tickets(own) ?? tickets(main),
    sessionCacheTimeout: timeout(own) ?? timeout(main),
    sessionCache: last(isMain ? own : main, 'SSLSessionCache', (u) => (u.args.length === 1 ? parseSessionCache(u.args[0]!) : { ok: false })),
  };
}
