/**
 * The `Require` lines of a `<Location>` that apx serves itself (balancer-manager), as mod_authz_core and its
 * providers (mod_authz_host: `ip`, `host`, `local`, `forward-dns`; core: `all`) decide them.
 *
 * Several `Require` lines directly in a `<Location>` form an implicit `<RequireAny>` (mod_authz_core.c): one granting
 * line grants. `Require not …` is only meaningful inside `<RequireAll>`/`<RequireNone>`, which the model does not
 * carry; httpd refuses a lone negative line at start-up. Anything apx does not evaluate — `valid-user`, `user`,
 * `group`, `env`, `expr`, `method`, a negation, an unknown provider — fails closed: the whole location is denied
 * and a warning says which line and why, so a mis-read rule never exposes the manager.
 */
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import type { LocationHandler } from '../../model/types.js';

export interface AccessRequest {
  /** The client's address (IPv4-mapped IPv6 already reduced to IPv4). */
  readonly clientIp: string;
  /** The address the connection arrived on. */
  readonly localIp: string;
}

type Rule =
  | { readonly kind: 'all'; readonly granted: boolean }
  | { readonly kind: 'ip'; readonly nets: readonly Net[] }
  | { readonly kind: 'local' }
  | { readonly kind: 'host'; readonly names: readonly string[]; readonly forwardOnly: boolean };

interface Net {
  readonly family: 4 | 6;
  readonly bits: bigint;
  readonly mask: bigint;
}

export interface AccessPolicy {
  /** Lines apx could not evaluate (each makes the policy deny everyone). */
  readonly warnings: readonly string[];
  check(req: AccessRequest): Promise<boolean>;
}

function ipToBigint(ip: string): { family: 4 | 6; value: bigint } | null {
  const v = isIP(ip);
  if (v === 4) return { family: 4, value: ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n) };
  if (v !== 6) return null;
  // Expand `::` and an embedded IPv4 tail.
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipToBigint(v4[1]!)!.value;
    text = text.slice(0, -v4[1]!.length) + `${((n >> 16n) & 0xffffn).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return null;
  return { family: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n) };
}

/**
 * mod_authz_host `Require ip`: a full address, a partial IPv4 address (`10.1` = 10.1.0.0/16), `net/bits`, or
 * `net/dotted-mask`; IPv6 with an optional `/bits`.
 */
function parseNet(arg: string): Net | null {
  const slash = arg.indexOf('/');
  const addr = slash >= 0 ? arg.slice(0, slash) : arg;
  const maskText = slash >= 0 ? arg.slice(slash + 1) : null;
  if (/^\d+(\.\d+){0,3}\.?$/.test(addr) && !addr.includes(':')) {
    const octets = addr.replace(/\.$/, '').split('.');
    if (octets.some((o) => Number(o) > 255)) return null;
    const full = [...octets, '0', '0', '0', '0'].slice(0, 4).join('.');
    const base = ipToBigint(full)!.value;
    let bits = maskText === null ? octets.length * 8 : NaN;
    let mask: bigint;
    if (maskText !== null && /^\d+$/.test(maskText)) bits = Number(maskText);
    if (maskText !== null && isIP(maskText) === 4) mask = ipToBigint(maskText)!.value;
    else if (Number.isInteger(bits) && bits >= 0 && bits <= 32) mask = bits === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - bits)) - 1n);
    else return null;
    return { family: 4, bits: base & mask, mask };
  }
  const parsed = ipToBigint(addr);
  if (!parsed || parsed.family !== 6) return null;
  const bits = maskText === null ? 128 : /^\d+$/.test(maskText) ? Number(maskText) : NaN;
  if (!Number.isInteger(bits) || bits < 0 || bits > 128) return null;
  const all = (1n << 128n) - 1n;
  const mask = bits === 0 ? 0n : all ^ ((1n << BigInt(128 - bits)) - 1n);
  return { family: 6, bits: parsed.value & mask, mask };
}

function inNet(ip: string, net: Net): boolean {
  let parsed = ipToBigint(ip);
  if (!parsed) return false;
  // An IPv4-mapped IPv6 client matches IPv4 rules, as APR's apr_ipsubnet_test does.
  if (parsed.family === 6 && net.family === 4 && parsed.value >> 32n === 0xffffn) parsed = { family: 4, value: parsed.value & 0xffffffffn };
  return parsed.family === net.family && (parsed.value & net.mask) === net.bits;
}

/** mod_authz_host `Require local`: 127.0.0.0/8, ::1, or the client's address is the server's own. */
function isLocal(req: AccessRequest): boolean {
  return inNet(req.clientIp, parseNet('127.0.0.0/8')!) || req.clientIp === '::1' || req.clientIp === req.localIp;
}

/**
 * mod_authz_host `Require host`: a double reverse lookup of the client's address (the name must resolve back to
 * it), then the name must equal one of the arguments or end with `.argument`. `forward-dns` only resolves the
 * arguments and compares addresses.
 */
async function hostMatches(req: AccessRequest, rule: Extract<Rule, { kind: 'host' }>): Promise<boolean> {
  if (rule.forwardOnly) {
    for (const name of rule.names) {
      const addrs = await dns.lookup(name, { all: true }).catch(() => []);
      if (addrs.some((a) => a.address === req.clientIp)) return true;
    }
    return false;
  }
  const names = await dns.reverse(req.clientIp).catch(() => [] as string[]);
  for (const raw of names) {
    const name = raw.toLowerCase().replace(/\.$/, '');
    const back = await dns.lookup(name, { all: true }).catch(() => []);
    if (!back.some((a) => a.address === req.clientIp)) continue;
    if (rule.names.some((n) => name === n || name.endsWith(`.${n.replace(/^\./, '')}`))) return true;
  }
  return false;
}

/** Compile a location's `Require` lines (each an argument list, as the model keeps them). */
export function compileRequire(lines: readonly (readonly string[])[], where: string): AccessPolicy {
  const rules: Rule[] = [];
  const warnings: string[] = [];
  for (const line of lines) {
    const [provider = '', ...args] = line;
    const p = provider.toLowerCase();
    const text = `Require ${line.join(' ')}`;
    if (p === 'all' && args.length === 1 && /^(granted|denied)$/i.test(args[0]!)) rules.push({ kind: 'all', granted: args[0]!.toLowerCase() === 'granted' });
    else if (p === 'local' && args.length === 0) rules.push({ kind: 'local' });
    else if (p === 'ip' && args.length > 0) {
      const nets = args.map(parseNet);
      if (nets.some((n) => n === null)) warnings.push(`${where}: "${text}" has an address apx cannot read; access is denied to everyone`);
      else rules.push({ kind: 'ip', nets: nets as Net[] });
    } else if ((p === 'host' || p === 'forward-dns') && args.length > 0) rules.push({ kind: 'host', names: args.map((a) => a.toLowerCase()), forwardOnly: p === 'forward-dns' });
    else warnings.push(`${where}: "${text}" is not evaluated by apx (it understands Require all, ip, host, forward-dns and local); access is denied to everyone`);
  }
  return {
    warnings,
    async check(req) {
      // Fail closed: one line apx cannot evaluate denies the whole location.
      if (warnings.length) return false;
      // No Require at all: nothing restricts the location (lint warns about an exposed balancer-manager).
      if (rules.length === 0) return true;
      for (const rule of rules) {
        if (rule.kind === 'all' && rule.granted) return true;
        if (rule.kind === 'ip' && rule.nets.some((n) => inNet(req.clientIp, n))) return true;
        if (rule.kind === 'local' && isLocal(req)) return true;
        if (rule.kind === 'host' && (await hostMatches(req, rule))) return true;
      }
      return false;
    },
  };
}

/** Each handler `<Location>`'s Require lines, compiled on first use and kept (server-status and balancer-manager). */
export class AccessPolicies {
  private readonly compiled = new Map<LocationHandler, AccessPolicy>();

  of(h: LocationHandler, where: string): AccessPolicy {
    let p = this.compiled.get(h);
    if (!p) {
      p = compileRequire(h.require, where);
      this.compiled.set(h, p);
    }
    return p;
  }
}
