/**
 * SSLProtocol / SSLCipherSuite (and their SSLProxy* twins) with values Apache refuses or silently ignores.
 * Semantics from mod_ssl 2.4.71 on OpenSSL 3, shared with `apx serve` through src/directives/ssl.ts (a pure
 * module: parsing and OpenSSL probes, no sockets), so the runtime refuses exactly what this rule calls an error.
 *
 * errors — Apache does not start: an illegal protocol name, SSLv2/SSLv3 ("SSLv3 not supported by this version of
 *   OpenSSL"), no protocol left ("AH02231: No SSL protocols available", after Syntax OK), a cipher list that
 *   selects no cipher ("SSL Library Error: no cipher match", after Syntax OK), `SSLCipherSuite X list` with X
 *   other than SSL or TLSv1.3 ("protocol 'X' not supported").
 * warnings — Apache serves, but not what the line says: a protocol word without +/- that replaces the earlier
 *   ones (AH02532); a version below a hole in the range (ssl_init_ctx_protocol never offers it); TLSv1/TLSv1.1
 *   named explicitly while OpenSSL 3's security level refuses them; cipher-list elements that select nothing
 *   here; TLS 1.3 suite names in the TLS ≤ 1.2 list (OpenSSL ignores them there).
 */
import type { ResolvedDirective, ResolvedSection } from '../../config/types.js';
import { nameKey, sameName } from '../../syntax/names.js';
import {
  checkCiphers,
  lowersSecurityLevel,
  parseSslProtocol,
  planCiphers,
  protocolRange,
  TLS_VERSIONS,
  unknownTls13Suites,
  unmatchedCipherElements,
} from '../../directives/ssl.js';
import { argSpan } from '../paths.js';
import type { Problem } from '../types.js';
import { defineRule } from './define.js';

type Side = 'server' | 'proxy';
interface Seen {
  readonly directive: ResolvedDirective;
  readonly value: string;
}
/** What one server (a vhost, or the main server = null) sets itself, last one winning as in mod_ssl. */
interface Own {
  protocol?: Seen;
  list?: Seen;
  tls13?: Seen;
}

const HINT_PROTOCOLS = (d: string): string => `${d} -all +TLSv1.2 +TLSv1.3`;

export const sslProtocolCipher = defineRule(
  { id: 'ssl-protocol-cipher', description: 'SSLProtocol / SSLCipherSuite values Apache refuses at start-up or silently ignores', severity: 'error' },
  (context) => {
    const own = new Map<ResolvedSection | null, Record<Side, Own>>();
    const of = (v: ResolvedSection | null): Record<Side, Own> => {
      let o = own.get(v);
      if (!o) own.set(v, (o = { server: {}, proxy: {} }));
      return o;
    };
    const report = (p: Problem): void => context.report(p);
    // Server-level lines only: an SSLCipherSuite in <Location>/<Directory> is mod_ssl's per-directory
    // renegotiation (applied per request, never at start-up), and SSLProxy* in <Proxy> configure that worker only.
    const serverLevel = (ctx: Parameters<typeof context.innermostOf>[0]): boolean => {
      const inner = context.innermostOf(ctx);
      return inner === null || sameName(inner.name, 'VirtualHost');
    };

    for (const [name, side] of [['SSLProtocol', 'server'], ['SSLProxyProtocol', 'proxy']] as const) {
      for (const { directive, ctx } of context.byName(name)) {
        if (!serverLevel(ctx)) continue;
        const value = directive.args.join(' ');
        of(context.virtualHostOf(ctx))[side].protocol = { directive, value };
        checkProtocol(directive, value, report);
      }
    }
    for (const [name, side] of [['SSLCipherSuite', 'server'], ['SSLProxyCipherSuite', 'proxy']] as const) {
      for (const { directive, ctx } of context.byName(name)) {
        if (!serverLevel(ctx)) continue;
        const [first, second] = directive.args;
        if (first === undefined) continue;
        const kind = second === undefined ? 'SSL' : first;
        const value = second ?? first;
        const o = of(context.virtualHostOf(ctx))[side];
        if (kind === 'SSL') {
          o.list = { directive, value };
          checkList(directive, value, report);
        } else if (kind === 'TLSv1.3') {
          o.tls13 = { directive, value };
          checkTls13(directive, value, report);
        } else {
          report({
            message: `${directive.name} ${directive.args.join(' ')}: Apache does not start ("protocol '${kind}' not supported"); a second argument is only allowed after SSL or TLSv1.3 (compared case-sensitively)`,
            span: argSpan(directive, 0),
            hint: `${directive.name} ${directive.args.join(':')}`,
          });
        }
      }
    }

    // TLSv1/TLSv1.1 asked for by name, while the list keeps OpenSSL 3's security level (no @SECLEVEL=0).
    const main = own.get(null);
    for (const [vhost, sides] of own) {
      for (const side of ['server', 'proxy'] as const) {
        const p = sides[side].protocol;
        if (!p) continue;
        const list = sides[side].list ?? (vhost ? main?.[side].list : undefined);
        if (lowersSecurityLevel(list?.value ?? null)) continue;
        const parsed = parseSslProtocol(p.value, p.directive.name);
        if (!parsed.ok) continue;
        const range = protocolRange(parsed.enabled);
        if (!range.ok) continue;
        const offered = TLS_VERSIONS.slice(TLS_VERSIONS.indexOf(range.minVersion), TLS_VERSIONS.indexOf(range.maxVersion) + 1);
        const named = p.value.split(/\s+/).filter((w) => /^\+?tlsv1(\.1)?$/i.test(w));
        const old = offered.filter((v) => (v === 'TLSv1' || v === 'TLSv1.1') && named.some((w) => nameKey(w.replace(/^\+/, '')) === nameKey(v)));
        if (old.length === 0) continue;
        report({
          severity: 'warning',
          message: `${p.directive.name} ${p.value}: ${old.join(' and ')} cannot be negotiated — OpenSSL 3 refuses them at security level 1 and above, in Apache as in apx, unless the cipher list lowers it with @SECLEVEL=0`,
          span: p.directive.syntax.span,
          hint: old.length === offered.length ? HINT_PROTOCOLS(p.directive.name) : `${p.directive.name} -all ${offered.filter((v) => !old.includes(v)).map((v) => `+${v}`).join(' ')}`,
        });
      }
    }

  },
);

function checkProtocol(directive: ResolvedDirective, value: string, report: (p: Problem) => void): void {
  const name = directive.name;
  const parsed = parseSslProtocol(value, name);
  if (!parsed.ok) {
    report({ message: `${parsed.message}: Apache does not start`, span: directive.syntax.span, hint: HINT_PROTOCOLS(name) });
    return;
  }
  const range = protocolRange(parsed.enabled);
  if (!range.ok) {
    report({ message: `${name} ${value} enables no protocol: "apachectl configtest" says Syntax OK, then Apache does not start (${range.message})`, span: directive.syntax.span, hint: HINT_PROTOCOLS(name) });
    return;
  }
  const kept = TLS_VERSIONS.slice(TLS_VERSIONS.indexOf(range.minVersion), TLS_VERSIONS.indexOf(range.maxVersion) + 1);
  const fix = `${name} -all ${kept.map((v) => `+${v}`).join(' ')}`;
  for (const w of parsed.overrides) {
    report({
      severity: 'warning',
      message: `${name} ${value}: "${w}" has no + or - and replaces everything before it (Apache logs AH02532), so only ${kept.join(', ')} ${kept.length > 1 ? 'are' : 'is'} enabled`,
      span: directive.syntax.span,
      hint: `${name} ${value.split(/\s+/).map((x, i) => (i > 0 && !/^[+-]/.test(x) ? `+${x}` : x)).join(' ')}`,
    });
  }
  if (range.dropped.length > 0) {
    report({
      severity: 'warning',
      message: `${name} ${value}: ${range.dropped.join(', ')} ${range.dropped.length > 1 ? 'are' : 'is'} never offered — mod_ssl serves one range without holes, here ${range.minVersion}–${range.maxVersion}`,
      span: directive.syntax.span,
      hint: fix,
    });
  }
}

function checkList(directive: ResolvedDirective, value: string, report: (p: Problem) => void): void {
  const plan = planCiphers(value, null);
  const r = checkCiphers(plan);
  if (!r.ok) {
    report({ message: `${directive.name} ${value} selects no cipher: "apachectl configtest" says Syntax OK, then Apache does not start (SSL Library Error: ${r.message})`, span: argSpan(directive, directive.args.length - 1), hint: `${directive.name} HIGH:!aNULL` });
    return;
  }
  const dead = unmatchedCipherElements(value);
  if (dead.length > 0) {
    report({
      severity: 'warning',
      message: `${directive.name}: ${dead.join(', ')} ${dead.length > 1 ? 'select' : 'selects'} no cipher in this OpenSSL (${process.versions.openssl}); Apache and apx skip ${dead.length > 1 ? 'them' : 'it'} (a typo, or a cipher OpenSSL 3 removed)`,
      span: argSpan(directive, directive.args.length - 1),
      hint: `openssl ciphers -v '${value}'`,
    });
  }
  if (plan.tls13NamesInList.length > 0) {
    report({
      severity: 'warning',
      message: `${directive.name}: ${plan.tls13NamesInList.join(', ')} ${plan.tls13NamesInList.length > 1 ? 'are TLS 1.3 suites' : 'is a TLS 1.3 suite'}, which OpenSSL ignores in the TLS ≤ 1.2 list; TLS 1.3 keeps its default suites`,
      span: argSpan(directive, directive.args.length - 1),
      hint: `${directive.name} TLSv1.3 ${plan.tls13NamesInList.join(':')}`,
    });
  }
}

function checkTls13(directive: ResolvedDirective, value: string, report: (p: Problem) => void): void {
  const r = checkCiphers(planCiphers(null, value));
  if (!r.ok) {
    report({ message: `${directive.name} TLSv1.3 ${value} selects no TLS 1.3 suite: Apache does not start (SSL Library Error: ${r.message})`, span: argSpan(directive, 1), hint: `${directive.name} TLSv1.3 TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256` });
    return;
  }
  const unknown = unknownTls13Suites(value);
  if (unknown.length > 0) {
    report({
      severity: 'warning',
      message: `${directive.name} TLSv1.3: ${unknown.join(', ')} ${unknown.length > 1 ? 'are not TLS 1.3 suites' : 'is not a TLS 1.3 suite'} OpenSSL knows; Apache and apx skip ${unknown.length > 1 ? 'them' : 'it'}`,
      span: argSpan(directive, 1),
      hint: `${directive.name} TLSv1.3 ${value.split(':').filter((w) => !unknown.includes(w)).join(':') || 'TLS_AES_256_GCM_SHA384'}`,
    });
  }
}
