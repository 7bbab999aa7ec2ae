/**
 * Parsers for what `apache2` prints about itself: `-L` (every directive of every loaded module), `-l`
 * (compiled-in modules) and `-t -D DUMP_MODULES`. Pure text in, records out, so the generator's only I/O is
 * running the server and the format can be tested without one.
 */
import type { DirectiveContext, OverrideCategory } from './types.js';

/** One entry of `apache2 -L`, before module names are resolved. */
export interface ListedDirective {
  /** As printed, with the `<` of a section: `<VirtualHost`, `ProxyPass`. */
  readonly rawName: string;
  /** The module's source file name in parentheses: `mod_proxy.c`. */
  readonly source: string;
  readonly description: string | null;
  /** "Allowed in …" with its optional "when AllowOverride …" continuation, joined by one space. */
  readonly allowed: string;
}

// config.c ap_show_directives(): printf("%s (%s)\n", pc->name, module->name). Module names are C file names.
const HEADER = /^(<?[A-Za-z0-9_]+) \(([A-Za-z0-9_]+\.c)\)$/;
const ALLOWED = /^\tAllowed in \*\.conf /;
const WHEN = /^\twhen AllowOverride /;

/**
 * Splits `-L` output into entries. A header is `Name (module.c)` at column 0; then the help text
 * (`\t` + errmsg, which may itself contain newlines — mod_authnz_ldap's AuthLDAPURL has a whole HTML list),
 * then show_overrides()'s "\tAllowed in *.conf …" and, for .htaccess, "\twhen AllowOverride …".
 */
export function parseDirectiveListing(text: string): ListedDirective[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: ListedDirective[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line === '') {
      i++;
      continue;
    }
    const head = HEADER.exec(line);
    if (!head) throw new Error(`apache2 -L: expected "Name (module.c)" on line ${i + 1}, got ${JSON.stringify(line)}`);
    i++;
    const help: string[] = [];
    while (i < lines.length && !ALLOWED.test(lines[i]!)) {
      if (HEADER.test(lines[i]!)) throw new Error(`apache2 -L: ${head[1]} has no "Allowed in" line`);
      help.push(lines[i]!);
      i++;
    }
    if (i >= lines.length) throw new Error(`apache2 -L: ${head[1]} has no "Allowed in" line`);
    let allowed = lines[i]!.slice(1);
    i++;
    if (i < lines.length && WHEN.test(lines[i]!)) {
      allowed += ' ' + lines[i]!.slice(1);
      i++;
    }
    const description = help.length === 0 ? null : help.join('\n').replace(/^\t/, '').trimEnd();
    out.push({ rawName: head[1]!, source: head[2]!, description: description === '' ? null : description, allowed });
  }
  return out;
}

const ALL_OVERRIDES: readonly OverrideCategory[] = ['AuthConfig', 'FileInfo', 'Indexes', 'Limit', 'Options'];

/**
 * Turns show_overrides()'s sentence back into flags. The sentence encodes req_override:
 * "anywhere" = RSRC_CONF with ACCESS_CONF (or any OR_* that *.conf allows at top level); "only outside
 * <Directory>, <Files>, <Location>, or <If>" = RSRC_CONF alone; "only inside …" = ACCESS_CONF/OR_AUTHCFG/
 * OR_LIMIT without RSRC_CONF; " and in .htaccess when AllowOverride includes A or B" = those OR_* bits,
 * "isn't None" = all of OR_ALL.
 */
export function parseAllowed(allowed: string): DirectiveContext {
  const m = /^Allowed in \*\.conf (anywhere|only outside [^[]*?|only inside [^[]*?)( \[no per-dir config\])?( and in \.htaccess when AllowOverride (isn't None|includes (.+)))?$/.exec(
    allowed,
  );
  if (!m) throw new Error(`unrecognised "Allowed in" text: ${JSON.stringify(allowed)}`);
  const where = m[1]!;
  const server = where === 'anywhere' || where.startsWith('only outside');
  const directory = where === 'anywhere' || where.startsWith('only inside');
  let htaccess: OverrideCategory[] | null = null;
  if (m[3]) {
    if (m[4] === "isn't None") htaccess = [...ALL_OVERRIDES];
    else {
      htaccess = m[5]!.split(' or ').map((w) => {
        const c = ALL_OVERRIDES.find((o) => o === w);
        if (!c) throw new Error(`unknown AllowOverride category ${JSON.stringify(w)} in ${JSON.stringify(allowed)}`);
        return c;
      });
      htaccess.sort();
    }
  }
  return { server, virtualHost: server, directory, htaccess, noPerDirConfig: m[2] !== undefined };
}

/** `apache2 -l`: "Compiled in modules:" then one indented source name a line. */
export function parseCompiledIn(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l.endsWith('.c'));
}

/** `apache2 -t -D DUMP_MODULES`: " name_module (static|shared)" lines. */
export function parseDumpModules(text: string): { symbol: string; static: boolean }[] {
  const out: { symbol: string; static: boolean }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s+([A-Za-z0-9_]+) \((static|shared)\)$/.exec(line);
    if (m) out.push({ symbol: m[1]!, static: m[2] === 'static' });
  }
  return out;
}

/** `apache2 -v`: the "Server version: Apache/2.4.71 (Debian)" value. */
export function parseServerVersion(text: string): string {
  const m = /^Server version:\s*(.+)$/m.exec(text);
  if (!m) throw new Error(`apache2 -v: no "Server version" line in ${JSON.stringify(text)}`);
  return m[1]!.trim();
}
