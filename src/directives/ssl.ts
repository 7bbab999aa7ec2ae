/**
 * What mod_ssl makes of its protocol and cipher directives, as pure functions `apx lint` (rule
 * ssl-protocol-cipher) and the runtime (src/runtime/tls-options.ts, which turns them into Node's TLS options)
 * share.
 *
 * What Apache 2.4.71 does, and what is reproduced here:
 * - `SSLProtocol` / `SSLProxyProtocol` (ssl_engine_config.c ssl_cmd_protocol_parse): words separated by blanks,
 *   names compared case-insensitively; `+name` adds, `-name` removes, a name without a sign REPLACES everything
 *   set so far (AH02532 "Protocol '…' overrides already set parameter(s)"). The list starts empty on every
 *   directive, so an empty `SSLProtocol` enables nothing. `all` is TLSv1 + TLSv1.1 + TLSv1.2 + TLSv1.3 (OpenSSL 3
 *   is built without SSLv3, so `all` has no SSLv3). `SSLv2`: "SSLProtocol: SSLv2 is no longer supported"; `SSLv3`:
 *   "SSLv3 not supported by this version of OpenSSL" — both configuration errors, except as `-SSLv2`/`-SSLv3`
 *   which are no-ops. Anything else: "SSLProtocol: Illegal protocol 'x'".
 * - ssl_engine_init.c ssl_init_ctx_protocol: the set becomes an OpenSSL min/max range — max = the highest version
 *   enabled, min = the lowest one reached from max WITHOUT A HOLE ("we do not allow holes between max and min"),
 *   so `TLSv1 +TLSv1.2` serves TLSv1.2 only. An empty set: "AH02231: No SSL protocols available", no start.
 * - `SSLCipherSuite [SSL] list` sets the TLS ≤ 1.2 list with ":!aNULL:!eNULL:!EXP" appended (SSL_CTX_set_cipher_list);
 *   `SSLCipherSuite TLSv1.3 list` sets the TLS 1.3 suites (SSL_CTX_set_ciphersuites); unset, OpenSSL's defaults
 *   apply ("DEFAULT" and TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256). A list that
 *   selects no cipher: "SSL Library Error: … no cipher match", AH02312, no start. Names OpenSSL does not know are
 *   skipped silently when something else in the list matches.
 * - `SSLHonorCipherOrder on` → SSL_OP_CIPHER_SERVER_PREFERENCE (Node: honorCipherOrder).
 *
 * Node differs in two ways this file absorbs: its default cipher list is not OpenSSL's "DEFAULT" (it drops
 * CAMELLIA, PSK, SRP …), so the default is written out; and `ciphers` is one string whose `TLS_*` entries Node
 * hands to SSL_CTX_set_ciphersuites — a `TLS_*` name inside Apache's TLS ≤ 1.2 list would silently change the
 * TLS 1.3 suites, so such names are dropped (OpenSSL's cipher_list ignores them too). With no `TLS_*` entry at
 * all Node turns TLS 1.3 off, so the TLS 1.3 suites (configured or default) are always spelled out.
 */
import { createRequire } from 'node:module';
import type * as NodeTls from 'node:tls';

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
/** Lowest first; the order mod_ssl walks to find the range. */
export const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** OpenSSL's TLS_DEFAULT_CIPHERSUITES (3.x), what mod_ssl leaves in place without `SSLCipherSuite TLSv1.3`. */
export const OPENSSL_DEFAULT_TLS13_SUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';
/** OpenSSL's default TLS ≤ 1.2 list, what mod_ssl uses without `SSLCipherSuite`. */
export const OPENSSL_DEFAULT_CIPHER_LIST = 'DEFAULT';
/** mod_ssl ssl_cmd_SSLCipherSuite: "always disable null and export ciphers". */
const APACHE_CIPHER_SUFFIX = ':!aNULL:!eNULL:!EXP';
/**
 * The OpenSSL security level Apache runs at unless a cipher list says `@SECLEVEL=n`: Debian's libssl3 is built with
 * 2 (checked on 2.4.71: a 1024-bit RSA key stops it with "ee key too small"), Node's bundled OpenSSL with 1. Made
 * explicit so that apx refuses the same keys, signatures and DH groups Apache does.
 */
export const APACHE_SECURITY_LEVEL = 2;

// ───────────────────────────────────────────── SSLProtocol ─────────────────────────────────────────────

export type ProtocolParse =
  | {
      readonly ok: true;
      readonly enabled: ReadonlySet<TlsVersion>;
      /** Words without +/- that replaced what earlier words had set (mod_ssl logs AH02532 for each). */
      readonly overrides: readonly string[];
    }
  | { readonly ok: false; readonly message: string; readonly word: string };

const ALL: readonly TlsVersion[] = TLS_VERSIONS;

/** mod_ssl ssl_cmd_protocol_parse as built against OpenSSL 3 (no SSLv3). `directive` names it in messages. */
export function parseSslProtocol(text: string, directive = 'SSLProtocol'): ProtocolParse {
  let set = new Set<TlsVersion>();
  const overrides: string[] = [];
  for (const raw of text.split(/\s+/).filter((w) => w !== '')) {
    const word = raw.replace(/^(["'])(.*)\1$/, '$2');
    const action = word[0] === '+' || word[0] === '-' ? word[0] : null;
    const name = action ? word.slice(1) : word;
    const key = name.toLowerCase();
    let these: readonly TlsVersion[];
    if (key === 'sslv2') {
      if (action === '-') continue;
      return { ok: false, word, message: 'SSLProtocol: SSLv2 is no longer supported' };
    } else if (key === 'sslv3') {
      if (action === '-') continue;
      return { ok: false, word, message: 'SSLv3 not supported by this version of OpenSSL' };
    } else if (key === 'all') these = ALL;
    else {
      const v = TLS_VERSIONS.find((t) => t.toLowerCase() === key);
      if (!v) return { ok: false, word, message: `${directive}: Illegal protocol '${name}'` };
      these = [v];
    }
    if (action === '-') for (const v of these) set.delete(v);
    else if (action === '+') for (const v of these) set.add(v);
    else {
      if (set.size > 0) overrides.push(word);
      set = new Set(these);
    }
  }
  return { ok: true, enabled: set, overrides };
}

export type VersionRange =
  | {
      readonly ok: true;
      readonly minVersion: TlsVersion;
      readonly maxVersion: TlsVersion;
      /** Enabled versions below a hole: mod_ssl never offers them. */
      readonly dropped: readonly TlsVersion[];
    }
  | { readonly ok: false; readonly message: string };

/** ssl_engine_init.c ssl_init_ctx_protocol: highest enabled version, then down while there is no hole. */
export function protocolRange(enabled: ReadonlySet<TlsVersion>): VersionRange {
  let hi = -1;
  for (let i = TLS_VERSIONS.length - 1; i >= 0; i--) {
    if (enabled.has(TLS_VERSIONS[i]!)) {
      hi = i;
      break;
    }
  }
  if (hi < 0) return { ok: false, message: 'AH02231: No SSL protocols available [hint: SSLProtocol]' };
  let lo = hi;
  while (lo > 0 && enabled.has(TLS_VERSIONS[lo - 1]!)) lo--;
  const dropped = TLS_VERSIONS.slice(0, lo).filter((v) => enabled.has(v));
  return { ok: true, minVersion: TLS_VERSIONS[lo]!, maxVersion: TLS_VERSIONS[hi]!, dropped };
}

// ───────────────────────────────────────────── SSLCipherSuite ─────────────────────────────────────────────

export interface CipherPlan {
  /**
   * What OpenSSL gets for TLS ≤ 1.2, as Apache passes it (":!aNULL:!eNULL:!EXP" appended), with Apache's security
   * level made explicit (`:@SECLEVEL=2` unless the list sets one).
   */
  readonly cipherList: string;
  /** What OpenSSL gets for TLS 1.3 (SSL_CTX_set_ciphersuites); '' turns TLS 1.3 off. */
  readonly tls13Suites: string;
  /** `TLS_*` names written in the TLS ≤ 1.2 list: OpenSSL ignores them there. */
  readonly tls13NamesInList: readonly string[];
  /** Node's `ciphers`: the TLS 1.3 suites first (Node routes `TLS_*` to set_ciphersuites), then the list. */
  readonly ciphers: string;
}

/** OpenSSL's cipher-string separators (ssl_cipher_process_rulestr: ':', ' ', ';', ','). */
const LIST_SEPARATORS = /[:\s;,]+/;

export function planCiphers(cipherSuite: string | null, tls13Suite: string | null): CipherPlan {
  const listText = cipherSuite ?? OPENSSL_DEFAULT_CIPHER_LIST;
  const words = listText.split(LIST_SEPARATORS).filter((w) => w !== '');
  const tls13NamesInList = words.filter((w) => /^TLS_/i.test(w));
  const kept = words.filter((w) => !/^TLS_/i.test(w));
  const level = /@SECLEVEL=/i.test(listText) ? '' : `:@SECLEVEL=${APACHE_SECURITY_LEVEL}`;
  const cipherList = kept.join(':') + APACHE_CIPHER_SUFFIX + level;
  const tls13Suites = (tls13Suite ?? OPENSSL_DEFAULT_TLS13_SUITES).split(':').filter((w) => w !== '').join(':');
  // Names in the TLS 1.3 list that are not TLS_* are unknown to OpenSSL, which skips them; Node would route them
  // to the TLS ≤ 1.2 list instead, so they are left out here (checkCiphers reports a list that is all unknown).
  const suites = tls13Suites.split(':').filter((w) => /^TLS_/i.test(w));
  return { cipherList, tls13Suites, tls13NamesInList, ciphers: [...suites, cipherList].join(':') };
}

export type CipherCheck = { readonly ok: true } | { readonly ok: false; readonly which: 'list' | 'tls13'; readonly message: string };

/** Does this plan start on Node's OpenSSL? Apache refuses to start on the same "no cipher match". */
export function checkCiphers(plan: CipherPlan): CipherCheck {
  const suites = plan.tls13Suites.split(':').filter((w) => w !== '');
  if (suites.length > 0 && !suites.some((w) => /^TLS_/i.test(w))) {
    return { ok: false, which: 'tls13', message: 'no cipher match' };
  }
  if (suites.length > 0) {
    const err = tryContext(`${suites.filter((w) => /^TLS_/i.test(w)).join(':')}:DEFAULT`);
    if (err) return { ok: false, which: 'tls13', message: err };
  }
  const err = tryContext(plan.cipherList);
  if (err) return { ok: false, which: 'list', message: err };
  return { ok: true };
}

// node:tls costs ~12 ms to load; `apx lint` only pays for it when a config has a cipher directive.
let nodeTls: typeof NodeTls | null = null;
const tlsModule = (): typeof NodeTls => (nodeTls ??= createRequire(import.meta.url)('node:tls') as typeof NodeTls);

function tryContext(ciphers: string): string | null {
  try {
    tlsModule().createSecureContext({ ciphers });
    return null;
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    // "error:0A0000B9:SSL routines::no cipher match" → the reason only.
    return m.replace(/^error:[0-9A-F]+:[^:]*:[^:]*:/i, '') || m;
  }
}

/**
 * OpenSSL's group keywords (ciphers(1)), current and retired. A group that is empty in OpenSSL 3 (`MEDIUM`, `RC4`,
 * `EXP`) is a harmless leftover of older advice, not a mistake worth a warning.
 */
const CIPHER_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'DEFAULT COMPLEMENTOFDEFAULT ALL COMPLEMENTOFALL HIGH MEDIUM LOW EXP EXPORT EXPORT40 EXPORT56 eNULL NULL aNULL ' +
    'kRSA aRSA RSA kDHr kDHd kDH kDHE kEDH DH DHE ADH EDH kEECDH kECDHE ECDH ECDHE EECDH AECDH aDSS DSS aDH aECDH ' +
    'aECDSA ECDSA TLSv1.2 TLSv1.0 TLSv1 SSLv3 SSLv2 AES128 AES256 AES AESGCM AESCCM AESCCM8 ARIA128 ARIA256 ARIA ' +
    'ARIAGCM CAMELLIA128 CAMELLIA256 CAMELLIA CHACHA20 3DES DES RC4 RC2 IDEA SEED MD5 SHA1 SHA SHA256 SHA384 aGOST ' +
    'aGOST01 kGOST GOST94 GOST89MAC kGOST18 GOST2012 PSK kPSK kECDHEPSK kDHEPSK kRSAPSK aPSK SRP kSRP aSRP SUITEB128 ' +
    'SUITEB128ONLY SUITEB128C2 SUITEB192 CBC kFZA aFZA eFZA FZA KRB5 kKRB5 aKRB5'
  ).split(' '),
);

/**
 * Elements of a TLS ≤ 1.2 list that select nothing on this OpenSSL (typos, cipher names OpenSSL 3 removed): Apache
 * and apx both skip them. Only plain elements are checked: `!x`, `-x`, `+x`, `@…`, `A+B` combinations and group
 * keywords can do no harm.
 */
export function unmatchedCipherElements(list: string): string[] {
  const out: string[] = [];
  for (const w of list.split(LIST_SEPARATORS)) {
    if (w === '' || /^[!+\-@]/.test(w) || /^TLS_/i.test(w) || w.includes('+') || CIPHER_KEYWORDS.has(w.replace(/@.*$/, ''))) continue;
    // @SECLEVEL=0 so that a real but weak cipher (still usable with @SECLEVEL=0 in the list) is not reported.
    if (tryContext(`${w}:@SECLEVEL=0`) !== null) out.push(w);
  }
  return out;
}

/** OpenSSL 3's TLS 1.3 suites (ssl/s3_lib.c tls13_ciphers); a name outside them is skipped, or fails alone. */
const TLS13_SUITES: ReadonlySet<string> = new Set(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256']);

/** TLS 1.3 suite names OpenSSL does not know (skipped when another one in the list matches). */
export function unknownTls13Suites(suites: string): string[] {
  return suites.split(':').filter((w) => w !== '' && !TLS13_SUITES.has(w));
}

/** A cipher list that keeps OpenSSL's TLS 1.0/1.1 (and SHA-1) ban in force: no `@SECLEVEL=0` in it. */
export function lowersSecurityLevel(list: string | null): boolean {
  return list !== null && /@SECLEVEL=0\b/i.test(list);
}
