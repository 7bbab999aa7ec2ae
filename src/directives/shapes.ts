/**
 * Hand-kept argument shapes of the directives apx interprets. The registry data says where a directive may
 * appear; this says what it takes. Arities are httpd's own (command_rec TAKE1/TAKE12/FLAG/RAW_ARGS and the
 * handlers' checks), each confirmed with `apache2 -t` on 2.4.71 by giving 0–5 arguments
 * (test/directives/shapes.test.ts keeps that check).
 */
import { nameKey } from './names.js';

export type ArgKind =
  /** `On`/`Off`, any case (invoke_cmd() FLAG). */
  | 'flag'
  /** One of `values`, any case. */
  | 'keyword'
  | 'integer'
  /** An absolute URL `scheme://…`, `!` where allowed, or `unix:/path|scheme://…`. */
  | 'url'
  /** A URL path such as `/app/`. */
  | 'url-path'
  /** A file-system path, relative ones taken from ServerRoot. */
  | 'path'
  /** A file path, `|program` pipe, or `syslog[:facility]` (ErrorLog, CustomLog). */
  | 'log-target'
  /** `host[:port]`, `*:port`, `[v6]:port`, `_default_`. */
  | 'address'
  /** A name: hostname, variable, module symbol, format nickname. */
  | 'word'
  | 'regex'
  /** The rest of the line is `key=value` parameters (and, for ProxyPass, bare flags). */
  | 'params'
  | 'rewrite-flags'
  /** An ap_expr expression. */
  | 'expr'
  /** A mod_log_config format string. */
  | 'log-format'
  /** Free text. */
  | 'string';

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  /** For `keyword`: the accepted words. */
  readonly values?: readonly string[];
  readonly optional?: boolean;
  /** This position repeats to the end of the line. */
  readonly repeat?: boolean;
  /**
   * Apache's complaint, word for word, when a `flag`/`keyword` argument is none of its values — it then refuses to
   * start (lint rule invalid-value). `%s` stands for the word as written. Absent: the values are not checked here.
   */
  readonly refusal?: string;
}

export interface ArgForm {
  readonly minArgs: number;
  /** null: no upper bound. */
  readonly maxArgs: number | null;
  readonly args: readonly ArgSpec[];
}

export interface DirectiveShape extends ArgForm {
  /** Canonical name (sections without `<`). */
  readonly name: string;
  readonly section?: boolean;
  /**
   * Words past maxArgs are ignored rather than refused: invoke_cmd() reads one word for a FLAG directive and
   * drops the rest (`ProxyPreserveHost On garbage` is Syntax OK on 2.4.71); mod_rewrite's parseargline() reads
   * three words (`RewriteRule ^ - [L] extra` is Syntax OK).
   */
  readonly extraArgsIgnored?: boolean;
  /**
   * The form inside a section that supplies the first argument: <Location>/<LocationMatch> give ProxyPass and
   * ProxyPassReverse their path, <Proxy> gives BalancerMember and ProxySet their balancer or worker.
   */
  readonly inSection?: ArgForm & { readonly sections: readonly string[] };
  /** Apache's own complaint when the count is wrong, where it has one. */
  readonly arityMessage?: string;
  /** Behaviour worth knowing, with the source it comes from. */
  readonly notes?: string;
}

/**
 * A FLAG directive's value as httpd reads it (config.c invoke_cmd()): the first word, `On` or `Off` in any case;
 * the words after it are ignored. null when Apache refuses the line ("… must be On or Off"), no word included.
 */
export function parseFlag(args: readonly string[]): boolean | null {
  const w = args[0]?.toLowerCase();
  return w === 'on' ? true : w === 'off' ? false : null;
}

const flag = (name: string, notes?: string): DirectiveShape => ({
  name,
  minArgs: 1,
  maxArgs: 1,
  args: [{ name: 'On|Off', kind: 'flag', refusal: `${name} must be On or Off` }],
  extraArgsIgnored: true,
  arityMessage: `${name} must be On or Off`,
  ...(notes ? { notes } : {}),
});

const one = (name: string, arg: ArgSpec, description: string, notes?: string): DirectiveShape => ({
  name,
  minArgs: 1,
  maxArgs: 1,
  args: [arg],
  arityMessage: `${name} takes one argument, ${description}`,
  ...(notes ? { notes } : {}),
});

const PARAMS: ArgSpec = { name: 'key=value', kind: 'params', optional: true, repeat: true };
const LOCATION_SECTIONS = ['Location', 'LocationMatch'];
const INTERPOLATE: ArgSpec = { name: 'interpolate', kind: 'keyword', values: ['interpolate'], optional: true };

export const DIRECTIVE_SHAPES: readonly DirectiveShape[] = [
  // mod_proxy.c
  {
    name: 'ProxyPass',
    minArgs: 2,
    maxArgs: null,
    args: [{ name: 'path', kind: 'url-path' }, { name: 'url', kind: 'url' }, PARAMS],
    inSection: { sections: LOCATION_SECTIONS, minArgs: 1, maxArgs: null, args: [{ name: 'url', kind: 'url' }, PARAMS] },
    arityMessage: 'ProxyPass|ProxyPassMatch needs a path when not defined in a location',
    notes:
      'add_pass(): an optional leading `~` makes the path a regex; after the URL come the flags nocanon, interpolate, ' +
      'noquery, `mapping=encoded|servlet`, and worker (or, for balancer://, balancer) parameters. Inside <Location> a ' +
      'path is refused ("can not have a path when defined in a location"); refused in <Directory>, <Files>, <If>.',
  },
  {
    name: 'ProxyPassMatch',
    minArgs: 2,
    maxArgs: null,
    args: [{ name: 'regex', kind: 'regex' }, { name: 'url', kind: 'url' }, PARAMS],
    inSection: { sections: LOCATION_SECTIONS, minArgs: 1, maxArgs: null, args: [{ name: 'url', kind: 'url' }, PARAMS] },
    arityMessage: 'ProxyPass|ProxyPassMatch needs a path when not defined in a location',
    notes: 'Same parser as ProxyPass; `$1`… in the URL are substituted, and connection reuse is off unless enablereuse=on.',
  },
  {
    name: 'ProxyPassReverse',
    minArgs: 2,
    maxArgs: 3,
    args: [{ name: 'path', kind: 'url-path' }, { name: 'url', kind: 'url' }, INTERPOLATE],
    inSection: { sections: LOCATION_SECTIONS, minArgs: 1, maxArgs: 2, args: [{ name: 'url', kind: 'url' }, INTERPOLATE] },
    arityMessage: 'ProxyPassReverse needs a path when not defined in a location',
    notes: 'TAKE123; with 4+ words: "ProxyPassReverse takes one, two or three arguments".',
  },
  {
    name: 'ProxyPassReverseCookieDomain',
    minArgs: 2,
    maxArgs: 3,
    args: [{ name: 'internal-domain', kind: 'word' }, { name: 'public-domain', kind: 'word' }, INTERPOLATE],
    arityMessage: 'ProxyPassReverseCookieDomain takes two or three arguments, Domain rewrite rule for proxying cookies',
  },
  {
    name: 'ProxyPassReverseCookiePath',
    minArgs: 2,
    maxArgs: 3,
    args: [{ name: 'internal-path', kind: 'url-path' }, { name: 'public-path', kind: 'url-path' }, INTERPOLATE],
    arityMessage: 'ProxyPassReverseCookiePath takes two or three arguments, Path rewrite rule for proxying cookies',
  },
  flag('ProxyPreserveHost', 'Off: the backend gets Host from the ProxyPass URL; On: the client\'s Host.'),
  flag('ProxyRequests', 'On makes an open forward proxy unless access is restricted.'),
  one('ProxyVia', { name: 'mode', kind: 'keyword', values: ['Off', 'On', 'Full', 'Block'], refusal: 'ProxyVia must be one of: off | on | full | block' }, 'Configure Via: proxy header header to one of: on | off | block | full', 'Anything else: "ProxyVia must be one of: off | on | full | block".'),
  flag('ProxyAddHeaders', 'Off drops X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Server.'),
  one('ProxyTimeout', { name: 'seconds', kind: 'integer' }, 'Set the timeout (in seconds) for a proxied connection. This overrides the server timeout', 'atoi(); below 1: "Proxy Timeout must be at least 1 second."'),
  {
    name: 'ProxySet',
    minArgs: 2,
    maxArgs: null,
    args: [{ name: 'url', kind: 'url' }, { name: 'key=value', kind: 'params', repeat: true }],
    inSection: { sections: ['Proxy', 'ProxyMatch'], minArgs: 1, maxArgs: null, args: [{ name: 'key=value', kind: 'params', repeat: true }] },
    notes: 'Outside <Proxy> the worker or balancer must already exist ("ProxySet can not find \'x\' Worker."); errors read "ProxySet: msg key=value; name".',
  },
  {
    name: 'BalancerMember',
    minArgs: 2,
    maxArgs: null,
    args: [{ name: 'balancer-url', kind: 'url' }, { name: 'url', kind: 'url' }, PARAMS],
    inSection: { sections: ['Proxy'], minArgs: 1, maxArgs: null, args: [{ name: 'url', kind: 'url' }, PARAMS] },
    arityMessage: 'BalancerMember must define balancer name when outside <Proxy > section',
    notes: 'Inside <Proxy balancer://name> the balancer comes from the section; a second bare word there is refused.',
  },
  {
    name: 'ProxyErrorOverride',
    minArgs: 1,
    maxArgs: null,
    args: [
      { name: 'On|Off', kind: 'flag', refusal: 'ProxyErrorOverride first parameter must be one of: off | on' },
      { name: 'status', kind: 'integer', optional: true, repeat: true },
    ],
    arityMessage: "ProxyErrorOverride requires at least one argument, use our error handling pages instead of the servers' we are proxying",
    notes: 'ITERATE: codes (400–599) may follow On only.',
  },
  flag('ProxyPassInherit', 'Off: a virtual host does not inherit the main server\'s ProxyPass rules.'),
  // mod_proxy_hcheck.c
  {
    name: 'ProxyHCExpr',
    minArgs: 2,
    maxArgs: 2,
    args: [{ name: 'name', kind: 'word' }, { name: '{expr}', kind: 'expr' }],
    notes: 'set_hc_condition(): "Missing expression name for ProxyHCExpr" / "Missing expression for ProxyHCExpr"; the expression may be written {…}.',
  },
  {
    name: 'ProxyHCTemplate',
    minArgs: 1,
    maxArgs: null,
    args: [{ name: 'name', kind: 'word' }, { name: 'key=value', kind: 'params', optional: true, repeat: true }],
    notes: 'Only hc* keys; errors read "ProxyHCTemplate: msg key=value; name".',
  },
  // core / MPM listeners
  {
    name: 'Listen',
    minArgs: 1,
    maxArgs: 2,
    args: [{ name: '[address:]port', kind: 'address' }, { name: 'protocol', kind: 'word', optional: true }],
    arityMessage: 'Listen requires 1 or 2 arguments.',
    notes: 'Defined by each MPM; refused inside <VirtualHost>.',
  },
  one('ServerName', { name: '[scheme://]host[:port]', kind: 'address' }, 'The hostname and port of the server'),
  {
    name: 'ServerAlias',
    minArgs: 1,
    maxArgs: null,
    args: [{ name: 'hostname', kind: 'word', repeat: true }],
    notes: 'Only inside <VirtualHost>: at the top level "ServerAlias only used in <VirtualHost>". Wildcards * and ? allowed.',
  },
  one('DocumentRoot', { name: 'directory', kind: 'path' }, 'Root directory of the document tree', 'Checked at start-up: "DocumentRoot \'x\' is not a directory, or is not readable".'),
  one('Timeout', { name: 'seconds', kind: 'integer' }, 'Timeout duration (sec)', 'atoi() with no check: `Timeout soon` is 0 and accepted.'),
  flag('KeepAlive'),
  one('AllowEncodedSlashes', { name: 'mode', kind: 'keyword', values: ['On', 'Off', 'NoDecode'], refusal: 'AllowEncodedSlashes must be On, Off, or NoDecode' }, "Allow URLs containing '/' encoded as '%2F'", 'Anything else: "AllowEncodedSlashes must be On, Off, or NoDecode".'),
  {
    name: 'Define',
    minArgs: 1,
    maxArgs: 2,
    args: [{ name: 'name', kind: 'word' }, { name: 'value', kind: 'string', optional: true }],
    arityMessage: 'Define takes 1-2 arguments, Define a variable, optionally to a value.  Same as passing -D to the command line.',
  },
  one('Include', { name: 'file-or-glob', kind: 'path' }, 'Name(s) of the config file(s) to be included; fails if the wildcard does not match at least one file'),
  one('IncludeOptional', { name: 'file-or-glob', kind: 'path' }, 'Name or pattern of the config file(s) to be included; ignored if the file does not exist or the pattern does not match any files'),
  {
    name: 'LoadModule',
    minArgs: 2,
    maxArgs: 2,
    args: [{ name: 'module-symbol', kind: 'word' }, { name: 'file', kind: 'path' }],
    arityMessage: 'LoadModule takes two arguments, a module name and the name of a shared object file to load it from',
  },
  // sections
  {
    name: 'VirtualHost',
    section: true,
    minArgs: 1,
    maxArgs: null,
    args: [{ name: 'address[:port]', kind: 'address', repeat: true }],
    arityMessage: '<VirtualHost> directive requires additional arguments',
  },
  {
    name: 'Location',
    section: true,
    minArgs: 1,
    maxArgs: 2,
    args: [{ name: 'url-path', kind: 'url-path' }],
    arityMessage: '<Location> directive requires additional arguments',
    notes: '`<Location ~ "regex">` is the two-word form; any other second word: "Multiple <Location> arguments not (yet) supported."',
  },
  {
    name: 'LocationMatch',
    section: true,
    minArgs: 1,
    maxArgs: 1,
    args: [{ name: 'regex', kind: 'regex' }],
    arityMessage: '<LocationMatch> directive requires additional arguments',
  },
  {
    name: 'Proxy',
    section: true,
    minArgs: 0,
    maxArgs: null,
    args: [{ name: 'url', kind: 'url', optional: true }, PARAMS],
    notes:
      'proxysection(): worker or balancer parameters may follow a URL (not a wildcard: "<Proxy> arguments are not supported ' +
      'for wildchar url."); errors read "<Proxy msg key=value; url". `<Proxy>` with no URL is accepted and matches nothing useful.',
  },
  {
    name: 'ProxyMatch',
    section: true,
    minArgs: 1,
    maxArgs: 1,
    args: [{ name: 'regex', kind: 'regex' }],
    notes: 'A second word: "Multiple <ProxyMatch> arguments not (yet) supported."',
  },
  // mod_ssl.c
  one('SSLEngine', { name: 'mode', kind: 'keyword', values: ['On', 'Off', 'Optional'], refusal: 'Argument must be On or Off' }, "SSL switch for the protocol engine ('on', 'off')", 'Anything else: "Argument must be On or Off" (optional is accepted too).'),
  one('SSLCertificateFile', { name: 'file', kind: 'path' }, "SSL Server Certificate file ('/path/to/file' - PEM or DER encoded)", 'The file must exist at start-up.'),
  one('SSLCertificateKeyFile', { name: 'file', kind: 'path' }, "SSL Server Private Key file ('/path/to/file' - PEM or DER encoded)", 'The file must exist at start-up.'),
  one('SSLCertificateChainFile', { name: 'file', kind: 'path' }, "SSL Server CA Certificate Chain file ('/path/to/file' - PEM encoded)", 'Deprecated since 2.4.8: put the chain in SSLCertificateFile.'),
  flag('SSLProxyEngine', 'Needed for https://, wss:// and h2:// backends.'),
  one('SSLProxyVerify', { name: 'level', kind: 'keyword', values: ['none', 'optional', 'require', 'optional_no_ca'], refusal: "SSLProxyVerify: Invalid argument '%s'" }, "SSL Proxy: whether to verify the remote certificate ('on' or 'off')", 'Anything else: "SSLProxyVerify: Invalid argument \'x\'".'),
  flag('SSLProxyCheckPeerName'),
  flag('SSLProxyCheckPeerCN'),
  flag('SSLProxyCheckPeerExpire'),
  flag('SSLHonorCipherOrder'),
  flag('SSLSessionTickets', 'Off: no TLS session tickets (resumption from the session cache only).'),
  {
    name: 'SSLProtocol',
    minArgs: 0,
    maxArgs: null,
    args: [{ name: '[+-]protocol', kind: 'keyword', values: ['all', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'], repeat: true }],
    notes: 'RAW_ARGS: no arguments is accepted and changes nothing; unknown names: "SSLProtocol: Illegal protocol \'x\'".',
  },
  // mod_headers.c
  {
    name: 'Header',
    minArgs: 2,
    maxArgs: 6,
    args: [
      { name: 'condition', kind: 'keyword', values: ['onsuccess', 'always'], optional: true },
      { name: 'action', kind: 'keyword', values: ['add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', 'edit*'] },
      { name: 'header', kind: 'word' },
      { name: 'value', kind: 'string', optional: true },
      { name: 'replacement', kind: 'string', optional: true },
      { name: 'early|env=[!]var|expr=expr', kind: 'string', optional: true },
    ],
    notes:
      "header_cmd(): first word must be an action (\"first argument must be 'add', 'set', …\"); set/add/append/merge/setifempty/note " +
      'need a value ("Header requires three arguments"); extra words: "Unknown parameter: x".',
  },
  {
    name: 'RequestHeader',
    minArgs: 2,
    maxArgs: 5,
    args: [
      { name: 'action', kind: 'keyword', values: ['add', 'set', 'setifempty', 'append', 'merge', 'unset', 'note', 'edit', 'edit*'] },
      { name: 'header', kind: 'word' },
      { name: 'value', kind: 'string', optional: true },
      { name: 'replacement', kind: 'string', optional: true },
      { name: 'early|env=[!]var|expr=expr', kind: 'string', optional: true },
    ],
    notes: '"Header echo only valid on Header directives".',
  },
  // mod_rewrite.c
  flag('RewriteEngine'),
  {
    name: 'RewriteCond',
    minArgs: 2,
    maxArgs: 3,
    args: [{ name: 'TestString', kind: 'string' }, { name: 'CondPattern', kind: 'regex' }, { name: '[flags]', kind: 'rewrite-flags', optional: true }],
    extraArgsIgnored: true,
    arityMessage: "RewriteCond: bad argument line ''",
    notes: 'Binds only to the next RewriteRule. Too few words: "bad argument line"; a third word not in [..]: "bad flag delimiters"; a fourth is ignored.',
  },
  {
    name: 'RewriteRule',
    minArgs: 2,
    maxArgs: 3,
    args: [{ name: 'Pattern', kind: 'regex' }, { name: 'Substitution', kind: 'string' }, { name: '[flags]', kind: 'rewrite-flags', optional: true }],
    extraArgsIgnored: true,
    arityMessage: "RewriteRule: bad argument line ''",
  },
  // mod_log_config.c
  {
    name: 'LogFormat',
    minArgs: 1,
    maxArgs: 2,
    args: [{ name: 'format', kind: 'log-format' }, { name: 'nickname', kind: 'word', optional: true }],
    arityMessage: 'LogFormat takes 1-2 arguments, a log format string (see docs) and an optional format name',
  },
  {
    name: 'CustomLog',
    minArgs: 2,
    maxArgs: 3,
    args: [{ name: 'file|pipe', kind: 'log-target' }, { name: 'format|nickname', kind: 'log-format' }, { name: 'env=[!]var|expr=expr', kind: 'string', optional: true }],
    arityMessage: 'CustomLog takes two or three arguments, a file name, a custom log format string or format name, and an optional "env=" or "expr=" clause (see docs)',
    notes: 'A third word that is not env=/expr=: "error in condition clause".',
  },
  one('ErrorLog', { name: 'file|pipe|syslog[:facility]', kind: 'log-target' }, 'The filename of the error log'),
];

const byKey = new Map(DIRECTIVE_SHAPES.map((s) => [`${s.section ? '<' : ''}${nameKey(s.name)}`, s]));

/** The argument shape of a directive apx interprets; `section` picks `<Proxy>` over a directive of the same name. */
export function directiveShape(name: string, section = false): DirectiveShape | undefined {
  const bare = name.replace(/^<\/?|>$/g, '');
  return byKey.get(`${section || name.startsWith('<') ? '<' : ''}${nameKey(bare)}`);
}

/**
 * Whether `count` arguments fit the shape — in its section form when `inSection` names the enclosing section
 * (e.g. `Location`). Returns Apache's arity complaint (or a plain one) or null. Words a FLAG directive ignores
 * are not an error here; extraArgsIgnored lets a lint rule warn about them.
 */
export function checkArity(shape: DirectiveShape, count: number, inSection?: string): string | null {
  const form =
    shape.inSection && inSection !== undefined && shape.inSection.sections.some((s) => nameKey(s) === nameKey(inSection)) ? shape.inSection : shape;
  const tooMany = form.maxArgs !== null && count > form.maxArgs && !shape.extraArgsIgnored;
  if (count >= form.minArgs && !tooMany) return null;
  if (shape.arityMessage && count < form.minArgs) return shape.arityMessage;
  const range = form.maxArgs === null ? `at least ${form.minArgs}` : form.minArgs === form.maxArgs ? `${form.minArgs}` : `${form.minArgs} to ${form.maxArgs}`;
  return `${shape.section ? `<${shape.name}>` : shape.name} takes ${range} argument${range === '1' ? '' : 's'}, got ${count}`;
}
