/**
 * Header handling as mod_proxy_http does it (proxy_util.c ap_proxy_create_hdrbrgd / ap_proxy_clear_connection,
 * mod_proxy_http.c ap_proxy_http_process_response) plus the basics of mod_headers' `RequestHeader`/`Header`.
 * Headers are ordered pairs with the case they were written in, so a backend sees them as Apache would send them.
 */
import type { HeaderBehaviour, HeaderOp } from '../model/types.js';

export type HeaderPairs = [name: string, value: string][];

const eq = (a: string, b: string): boolean => a.length === b.length && a.toLowerCase() === b.toLowerCase();

export function getHeader(h: HeaderPairs, name: string): string | undefined {
  for (const [k, v] of h) if (eq(k, name)) return v;
  return undefined;
}

/** Every value of header `name`, in order (several lines of one name: Cookie, Via …). */
export function headerValues(h: readonly (readonly [string, string])[], name: string): string[] {
  const out: string[] = [];
  for (const [k, v] of h) if (eq(k, name)) out.push(v);
  return out;
}

export function removeHeader(h: HeaderPairs, name: string): HeaderPairs {
  return h.filter(([k]) => !eq(k, name));
}

export function pairsFromRaw(raw: readonly string[]): HeaderPairs {
  const out: HeaderPairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** Tokens named in every Connection header (lower-cased). */
function connectionTokens(h: HeaderPairs): Set<string> {
  const tokens = new Set<string>();
  for (const [k, v] of h) {
    if (!eq(k, 'connection')) continue;
    for (const t of v.split(',')) {
      const tok = t.trim().toLowerCase();
      if (tok) tokens.add(tok);
    }
  }
  return tokens;
}

/** Hop-by-hop request headers ap_proxy_create_hdrbrgd never forwards (Content-Length/TE are regenerated). */
const REQUEST_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'te', 'trailer', 'upgrade', 'transfer-encoding', 'host']);
/** Hop-by-hop response headers mod_proxy_http drops (Transfer-Encoding: the body is re-framed). */
const RESPONSE_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'te', 'trailer', 'upgrade', 'transfer-encoding']);

/** Append `value` to header `name` with ", " (apr_table_mergen: every occurrence folded into the first), or add it. */
function merge(h: HeaderPairs, name: string, value: string): void {
  const idx: number[] = [];
  h.forEach(([k], i) => {
    if (eq(k, name)) idx.push(i);
  });
  if (idx.length === 0) {
    h.push([name, value]);
    return;
  }
  const first = idx[0]!;
  h[first] = [h[first]![0], [...idx.map((i) => h[i]![1]), value].join(', ')];
  for (let j = idx.length - 1; j > 0; j--) h.splice(idx[j]!, 1);
}

export interface ForwardContext {
  readonly behaviour: HeaderBehaviour;
  /** The client's IP (X-Forwarded-For). */
  readonly clientIp: string;
  /** The Host header the backend gets with ProxyPreserveHost Off. */
  readonly backendHost: string;
  /** The request's Host (the authority of an absolute-form target wins), null when none. */
  readonly requestHost: string | null;
  /** The vhost's ServerName (X-Forwarded-Server, Via). */
  readonly serverName: string;
  /** ap_get_server_port: the Host's port, else the server's; null when it is the scheme's default (not shown). */
  readonly serverPort: number | null;
  readonly protocol: string;
}

export type MaxForwards = { readonly kind: 'absent' } | { readonly kind: 'value'; readonly value: number } | { readonly kind: 'invalid'; readonly raw: string };

/** mod_proxy.c proxy_handler: Max-Forwards is decremented; 0 answers 400 "Max-Forwards has reached zero". */
export function maxForwards(h: HeaderPairs): MaxForwards {
  const raw = getHeader(h, 'max-forwards');
  if (raw === undefined) return { kind: 'absent' };
  if (!/^\s*\d+\s*$/.test(raw)) return { kind: 'invalid', raw };
  return { kind: 'value', value: Number(raw.trim()) };
}

function viaValue(ctx: ForwardContext, protocolVersion: string): string {
  // Via carries the protocol version without its name for HTTP (RFC 9110 §7.6.3): `1.1 host:port`.
  const port = ctx.serverPort !== null ? `:${ctx.serverPort}` : '';
  const base = `${protocolVersion.replace(/^HTTP\//, '')} ${ctx.serverName}${port}`;
  return ctx.behaviour.via === 'full' ? `${base} (apx)` : base;
}

/**
 * The header lines sent to the backend: Host first, then the client's headers in order without hop-by-hop ones
 * (and without those its Connection header names), then what mod_proxy adds. X-Forwarded-* are merged after the
 * Connection stripping, so a client cannot suppress them with `Connection: X-Forwarded-For`.
 */
export function forwardRequestHeaders(client: HeaderPairs, ctx: ForwardContext): HeaderPairs {
  const named = connectionTokens(client);
  const out: HeaderPairs = client.filter(([k]) => {
    const lk = k.toLowerCase();
    return !REQUEST_HOP.has(lk) && !named.has(lk);
  });
  const mf = maxForwards(out);
  if (mf.kind === 'value') {
    const i = out.findIndex(([k]) => eq(k, 'max-forwards'));
    out[i] = [out[i]![0], String(Math.max(0, mf.value - 1))];
  }
  const via = ctx.behaviour.via;
  if (via === 'block') {
    const kept = removeHeader(out, 'via');
    out.length = 0;
    out.push(...kept);
  } else if (via === 'on' || via === 'full') merge(out, 'Via', viaValue(ctx, ctx.protocol));
  if (ctx.behaviour.addHeaders) {
    merge(out, 'X-Forwarded-For', ctx.clientIp);
    if (ctx.requestHost !== null) merge(out, 'X-Forwarded-Host', ctx.requestHost);
    merge(out, 'X-Forwarded-Server', ctx.serverName);
  }
  const host = ctx.behaviour.preserveHost && ctx.requestHost !== null ? ctx.requestHost : ctx.backendHost;
  return [['Host', host], ...out];
}

/** Response headers without hop-by-hop ones; `Upgrade`/`Connection` survive only on a 101. */
export function filterResponseHeaders(h: HeaderPairs, status: number): HeaderPairs {
  const named = connectionTokens(h);
  return h.filter(([k]) => {
    const lk = k.toLowerCase();
    if (status === 101 && (lk === 'upgrade' || lk === 'connection')) return true;
    return !RESPONSE_HOP.has(lk) && !named.has(lk);
  });
}

export function addResponseVia(h: HeaderPairs, ctx: ForwardContext, backendVersion: string): void {
  if (ctx.behaviour.via === 'on' || ctx.behaviour.via === 'full') merge(h, 'Via', viaValue(ctx, backendVersion));
}

// ───────────────────────────────── mod_headers basics ─────────────────────────────────

/** Ops apx applies; those with an `env=`/`expr=` condition are skipped (and reported once at start-up). */
export function applicableOps(ops: readonly HeaderOp[]): { ops: HeaderOp[]; skipped: HeaderOp[] } {
  const ok: HeaderOp[] = [];
  const skipped: HeaderOp[] = [];
  for (const op of ops) {
    if ((op.when && op.when.toLowerCase() !== 'early') || op.action === 'note') skipped.push(op);
    else ok.push(op);
  }
  return { ops: ok, skipped };
}

/** Whether an op runs for this response: `always` on every response, `onsuccess` (the default) on proxied ones. */
export function opRuns(op: HeaderOp, generatedLocally: boolean): boolean {
  if (op.condition === 'always') return true;
  return !generatedLocally;
}

function safeRegex(src: string, flags: string): RegExp | null {
  try {
    return new RegExp(src, flags);
  } catch {
    return null;
  }
}

/** Apply mod_headers operations in order to `h` (in place). `request` is used by `Header echo`. */
export function applyHeaderOps(h: HeaderPairs, ops: readonly HeaderOp[], request?: HeaderPairs): void {
  for (const op of ops) {
    const name = op.header;
    const value = op.value ?? '';
    const kept = (): HeaderPairs => h.filter(([k]) => !eq(k, name));
    switch (op.action) {
      case 'set': {
        const rest = kept();
        h.length = 0;
        h.push(...rest, [name, value]);
        break;
      }
      case 'setifempty':
        if (!getHeader(h, name)) {
          const rest = kept();
          h.length = 0;
          h.push(...rest, [name, value]);
        }
        break;
      case 'add':
        h.push([name, value]);
        break;
      case 'append':
        merge(h, name, value);
        break;
      case 'merge': {
        const cur = h.filter(([k]) => eq(k, name)).map(([, v]) => v).join(', ');
        const present = cur.split(',').some((t) => t.trim() === value.trim());
        if (!present) merge(h, name, value);
        break;
      }
      case 'unset': {
        const rest = kept();
        h.length = 0;
        h.push(...rest);
        break;
      }
      case 'edit':
      case 'edit*': {
        const re = safeRegex(value, op.action === 'edit*' ? 'g' : '');
        if (!re) break;
        const repl = (op.replacement ?? '').replace(/\$(\d)/g, '$$$1');
        for (const pair of h) if (eq(pair[0], name)) pair[1] = pair[1].replace(re, repl);
        break;
      }
      case 'echo': {
        if (!request) break;
        const re = safeRegex(name, 'i');
        if (!re) break;
        for (const [k, v] of request) if (re.test(k)) h.push([k, v]);
        break;
      }
      case 'note':
        break;
    }
  }
}
