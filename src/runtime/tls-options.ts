/**
 * mod_ssl's protocol and cipher settings (src/directives/ssl.ts has their semantics) → Node's TLS options, for
 * the server contexts of TLS vhosts and the agents of https backends.
 */
import { constants } from 'node:crypto';
import type { Tls } from '../model/types.js';
import { DEFAULT_SESSION_CACHE_TIMEOUT } from '../model/ssl-session.js';
import { type TlsVersion, TLS_VERSIONS, OPENSSL_DEFAULT_TLS13_SUITES, parseSslProtocol, protocolRange, planCiphers, checkCiphers } from '../directives/ssl.js';

// ───────────────────────────────────────────── both together ─────────────────────────────────────────────

export interface NodeTlsOptions {
  readonly minVersion: TlsVersion;
  readonly maxVersion: TlsVersion;
  readonly ciphers: string;
  readonly honorCipherOrder: boolean;
  /**
   * OpenSSL options beyond the cipher order: SSL_OP_NO_TICKET for `SSLSessionTickets off` (ssl_engine_init.c sets
   * it on the vhost's SSL_CTX), 0 otherwise. Node ORs `honorCipherOrder` into the same word.
   */
  readonly secureOptions: number;
  /** `SSLSessionCacheTimeout` (default 300): SSL_CTX_set_timeout, the lifetime of sessions and tickets alike. */
  readonly sessionTimeout: number;
}

/** The server side only: a backend connection (https.Agent) has no tickets to refuse and no sessions to time. */
export type ProxyTlsOptions = Omit<NodeTlsOptions, 'honorCipherOrder' | 'secureOptions' | 'sessionTimeout'>;

/** Why a TLS setup cannot be served — each is a case where Apache does not start either. */
export interface TlsProblem {
  readonly directive: 'SSLProtocol' | 'SSLCipherSuite' | 'SSLProxyProtocol' | 'SSLProxyCipherSuite';
  /** One line, in Apache's words where it has them. */
  readonly message: string;
  readonly hint: string;
}

export interface TlsNote {
  readonly directive: TlsProblem['directive'];
  readonly message: string;
  readonly hint: string;
}

export type TlsMapping = { readonly ok: true; readonly options: NodeTlsOptions; readonly notes: readonly TlsNote[] } | { readonly ok: false; readonly problem: TlsProblem };

interface Settings {
  readonly protocol: string | null;
  readonly cipherSuite: string | null;
  readonly tls13CipherSuite: string | null;
  readonly honorCipherOrder: boolean;
  readonly secureOptions: number;
  readonly sessionTimeout: number;
}

function mapSettings(s: Settings, names: { protocol: TlsProblem['directive']; cipher: TlsProblem['directive'] }): TlsMapping {
  const notes: TlsNote[] = [];
  // Unset: mod_ssl's default, `all` (TLSv1–TLSv1.3; OpenSSL 3 then refuses TLSv1/1.1 at its security level).
  const parsed = parseSslProtocol(s.protocol ?? 'all', names.protocol);
  if (!parsed.ok) {
    return { ok: false, problem: { directive: names.protocol, message: `${names.protocol} ${s.protocol ?? ''}: ${parsed.message}`, hint: `${names.protocol} -all +TLSv1.2 +TLSv1.3` } };
  }
  const range = protocolRange(parsed.enabled);
  if (!range.ok) {
    return { ok: false, problem: { directive: names.protocol, message: `${names.protocol} ${s.protocol ?? ''} enables no protocol: Apache does not start (${range.message})`, hint: `${names.protocol} -all +TLSv1.2 +TLSv1.3` } };
  }
  if (range.dropped.length > 0) {
    notes.push({
      directive: names.protocol,
      message: `${names.protocol} ${s.protocol}: ${range.dropped.join(', ')} ${range.dropped.length > 1 ? 'are' : 'is'} never offered — mod_ssl serves one range from ${range.maxVersion} down without holes (${range.minVersion}–${range.maxVersion})`,
      hint: `${names.protocol} -all ${TLS_VERSIONS.slice(TLS_VERSIONS.indexOf(range.minVersion), TLS_VERSIONS.indexOf(range.maxVersion) + 1)
        .map((v) => `+${v}`)
        .join(' ')}`,
    });
  }
  const plan = planCiphers(s.cipherSuite, s.tls13CipherSuite);
  const check = checkCiphers(plan);
  if (!check.ok) {
    const shown = check.which === 'tls13' ? `${names.cipher} TLSv1.3 ${s.tls13CipherSuite ?? ''}` : `${names.cipher} ${s.cipherSuite ?? ''}`;
    return {
      ok: false,
      problem: {
        directive: names.cipher,
        message: `${shown} selects no cipher: Apache does not start (SSL Library Error: ${check.message})`,
        hint: check.which === 'tls13' ? `${names.cipher} TLSv1.3 ${OPENSSL_DEFAULT_TLS13_SUITES}` : `${names.cipher} HIGH:!aNULL`,
      },
    };
  }
  if (plan.tls13NamesInList.length > 0) {
    notes.push({
      directive: names.cipher,
      message: `${names.cipher} ${s.cipherSuite}: ${plan.tls13NamesInList.join(', ')} ${plan.tls13NamesInList.length > 1 ? 'are TLS 1.3 suites' : 'is a TLS 1.3 suite'}, which OpenSSL ignores in this list`,
      hint: `${names.cipher} TLSv1.3 ${plan.tls13NamesInList.join(':')}`,
    });
  }
  return { ok: true, notes, options: { minVersion: range.minVersion, maxVersion: range.maxVersion, ciphers: plan.ciphers, honorCipherOrder: s.honorCipherOrder, secureOptions: s.secureOptions, sessionTimeout: s.sessionTimeout } };
}

/**
 * A TLS vhost's handshake options: SSLProtocol, SSLCipherSuite (both forms), SSLHonorCipherOrder, SSLSessionTickets,
 * SSLSessionCacheTimeout. (SSLSessionCache is not a handshake option: src/runtime/tls-session-cache.ts.)
 */
export function serverTlsOptions(tls: Tls | null): TlsMapping {
  return mapSettings(
    {
      protocol: tls?.protocol ?? null,
      cipherSuite: tls?.cipherSuite ?? null,
      tls13CipherSuite: tls?.tls13CipherSuite ?? null,
      honorCipherOrder: tls?.honorCipherOrder === true,
      // Unset is mod_ssl's On: Node, like OpenSSL, issues tickets unless told not to.
      secureOptions: tls?.sessionTickets === false ? constants.SSL_OP_NO_TICKET : 0,
      sessionTimeout: tls?.sessionCacheTimeout ?? DEFAULT_SESSION_CACHE_TIMEOUT,
    },
    { protocol: 'SSLProtocol', cipher: 'SSLCipherSuite' },
  );
}

/**
 * The TLS options of an https:// / wss:// backend connection: SSLProxyProtocol, SSLProxyCipherSuite (both forms).
 * For `https.Agent` (the client side: no honorCipherOrder).
 */
export function proxyTlsOptions(tls: Tls | null): { readonly ok: true; readonly options: ProxyTlsOptions; readonly notes: readonly TlsNote[] } | { readonly ok: false; readonly problem: TlsProblem } {
  const m = mapSettings(
    {
      protocol: tls?.proxyProtocol ?? null,
      cipherSuite: tls?.proxyCipherSuite ?? null,
      tls13CipherSuite: tls?.proxyTls13CipherSuite ?? null,
      honorCipherOrder: false,
      secureOptions: 0,
      sessionTimeout: DEFAULT_SESSION_CACHE_TIMEOUT,
    },
    { protocol: 'SSLProxyProtocol', cipher: 'SSLProxyCipherSuite' },
  );
  if (!m.ok) return m;
  const { minVersion, maxVersion, ciphers } = m.options;
  return { ok: true, notes: m.notes, options: { minVersion, maxVersion, ciphers } };
}

/** Two vhosts' options equal: one TLS context can serve both. */
export function sameTlsOptions(a: NodeTlsOptions, b: NodeTlsOptions): boolean {
  return (
    a.minVersion === b.minVersion &&
    a.maxVersion === b.maxVersion &&
    a.ciphers === b.ciphers &&
    a.honorCipherOrder === b.honorCipherOrder &&
    a.secureOptions === b.secureOptions &&
    a.sessionTimeout === b.sessionTimeout
  );
}
