/**
 * Directives the model does not represent, sorted into two kinds so nothing is dropped silently:
 * `irrelevant` — understood, and nothing a reverse proxy does depends on it (who the server runs as, MPM sizing,
 * MIME types, settings for files served from disk); `unsupported` — it may change what the proxy does and apx
 * does not reproduce it (mod_rewrite, access control, per-<Location> settings, response filters).
 */
import { lookupDirective } from '../directives/index.js';
import { nameKey } from '../syntax/names.js';
import type { Unsupported } from './types.js';

type Category = Unsupported['category'];

const IRRELEVANT: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries({
    'process and start-up settings': [
      'ServerRoot', 'User', 'Group', 'PidFile', 'Mutex', 'DefaultRuntimeDir', 'ScoreBoardFile', 'LoadModule', 'LoadFile',
      'GracefulShutdownTimeout', 'ListenCoresBucketsRatio', 'CoreDumpDirectory', 'EnableExceptionHook',
      'ServerLimit', 'StartServers', 'MinSpareServers', 'MaxSpareServers', 'MinSpareThreads', 'MaxSpareThreads',
      'ThreadLimit', 'ThreadsPerChild', 'MaxRequestWorkers', 'MaxClients', 'MaxConnectionsPerChild',
      'MaxRequestsPerChild', 'AsyncRequestWorkerFactor', 'ThreadStackSize', 'MaxMemFree', 'Define', 'UnDefine',
      'NameVirtualHost', 'SSLRandomSeed', 'SSLPassPhraseDialog',
      'SSLStaplingCache', 'SSLCryptoDevice', 'SSLMutex', 'DavLockDB', 'MIMEMagicFile', 'TypesConfig',
    ],
    'server identity shown to clients, not used for proxying': ['ServerAdmin', 'ServerSignature', 'ServerTokens'],
    // KeepAlive, KeepAliveTimeout and MaxKeepAliveRequests are not here: the model carries them (Server.keepAlive,
    // keepAliveTimeoutMs, maxKeepAliveRequests) and apx serve applies them.
    'client connection tuning; apx keeps its own client keep-alive': ['EnableSendfile', 'EnableMMAP', 'SendBufferSize', 'ReceiveBufferSize', 'HostnameLookups', 'ExtendedStatus', 'SeeRequestTail'],
    'serving files from disk (apx only proxies)': [
      'AccessFileName', 'Options', 'AllowOverride', 'AllowOverrideList', 'DirectoryIndex', 'DirectorySlash', 'IndexOptions',
      'IndexOrderDefault', 'IndexIgnore', 'IndexStyleSheet', 'IndexHeadInsert', 'AddIcon', 'AddIconByType',
      'AddIconByEncoding', 'AddAlt', 'AddAltByType', 'AddAltByEncoding', 'AddDescription', 'DefaultIcon', 'ReadmeName',
      'HeaderName', 'AddType', 'AddHandler', 'AddEncoding', 'AddLanguage', 'AddCharset', 'DefaultLanguage',
      'LanguagePriority', 'ForceLanguagePriority', 'AddDefaultCharset', 'UserDir', 'ScriptSock', 'ScriptLog',
      'CGIDScriptTimeout', 'BrowserMatch', 'BrowserMatchNoCase', 'FileETag', 'ContentDigest', 'Dav', 'DavDepthInfinity',
    ],
  }).flatMap(([reason, names]) => names.map((n) => [nameKey(n), reason])),
);

/** Unsupported directives whose effect is worth spelling out. */
const SPECIFIC: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries({
    ProxyPassInherit:
      'only changes whether virtual hosts share the main server\'s workers and balancers; main-server ProxyPass rules apply in every vhost regardless (mod_proxy.c merge_proxy_config, checked on 2.4.71), and apx does not model worker sharing across servers',
    BalancerInherit: 'apx keeps one list of balancers for the whole configuration',
    ProxyErrorOverride: 'apx passes backend error pages through unchanged',
    ProxyPassInterpolateEnv: 'apx does not expand ${VAR} at request time in interpolated rules',
    ProxyRemote: 'apx does not forward to another proxy',
    ProxyRemoteMatch: 'apx does not forward to another proxy',
    Alias: 'apx does not serve files: a request that no ProxyPass takes gets 404 from apx, where Apache would serve the aliased directory',
  }).map(([n, reason]) => [nameKey(n), reason]),
);

/** Sections whose contents apply to files served from disk, never to proxied requests. */
const FILE_SECTIONS = new Set(['directory', 'directorymatch', 'files', 'filesmatch'].map(nameKey));

export interface Classified {
  readonly category: Category;
  readonly reason: string;
}

/**
 * Why a directive is not in the model. `inside` is the innermost section other than <VirtualHost> and the
 * conditionals that encloses it, when that decides the answer.
 */
export function classify(name: string, inside: readonly { readonly name: string; readonly args: readonly string[] }[]): Classified {
  const show = (x: { readonly name: string; readonly args: readonly string[] }): string => `<${[x.name, ...x.args].join(' ')}>`;
  const files = inside.find((x) => FILE_SECTIONS.has(nameKey(x.name)));
  if (files !== undefined) {
    return { category: 'irrelevant', reason: `inside ${show(files)}: applies to files served from disk, which proxied requests never map to` };
  }
  const irrelevant = IRRELEVANT[nameKey(name)];
  if (irrelevant !== undefined) return { category: 'irrelevant', reason: irrelevant };
  if (inside.length > 0) {
    // A generated file can nest thousands of sections: name the outermost and the innermost two, not all.
    const path = inside.length <= 3 ? inside.map(show).join(' ') : `${show(inside[0]!)} … ${inside.slice(-2).map(show).join(' ')} (${inside.length} sections)`;
    return { category: 'unsupported', reason: `inside ${path}: apx does not model ${name} there` };
  }
  const specific = SPECIFIC[nameKey(name)];
  if (specific !== undefined) return { category: 'unsupported', reason: specific };
  const info = lookupDirective(name);
  if (!info) return { category: 'unsupported', reason: 'not a directive Apache 2.4 knows (apache2 refuses the config)' };
  if (info.module === 'core') return { category: 'unsupported', reason: `${info.name} (core) is not modelled` };
  return { category: 'unsupported', reason: `${info.source.replace(/\.c$/, '')} is not modelled` };
}
