/**
 * The environment `${VAR}` falls back to. httpd calls getenv() when a name is not Define'd (util.c
 * ap_resolve_env); on Debian that environment is what apache2ctl exports from /etc/apache2/envvars. apx never
 * reads its own process environment: the same file must give the same answer on every machine.
 */

/** What a fresh Debian install's envvars exports (APACHE_CONFDIR=/etc/apache2, so $SUFFIX is empty). */
export const DEBIAN_ENVVARS: ReadonlyMap<string, string> = new Map([
  ['APACHE_RUN_USER', 'www-data'],
  ['APACHE_RUN_GROUP', 'www-data'],
  ['APACHE_PID_FILE', '/var/run/apache2/apache2.pid'],
  ['APACHE_RUN_DIR', '/var/run/apache2'],
  ['APACHE_LOCK_DIR', '/var/lock/apache2'],
  ['APACHE_LOG_DIR', '/var/log/apache2'],
  ['LANG', 'C'],
]);

/**
 * The `export NAME=value` lines of an envvars shell script, evaluated the simple way the file is written:
 * assignments in order, `$X`/`${X}` replaced by what was assigned before (unknown → empty, as sh does),
 * quotes removed. Conditionals and commands are not run and assignments inside `if … fi` are skipped: Debian's
 * only conditional sets SUFFIX, which is empty for the default /etc/apache2 directory.
 */
export function parseEnvvars(text: string): Map<string, string> {
  const shell = new Map<string, string>();
  const exported = new Map<string, string>();
  let ifDepth = 0;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^if\s/.test(line)) ifDepth++;
    else if (/^fi\b/.test(line)) ifDepth = Math.max(0, ifDepth - 1);
    if (ifDepth > 0) continue;
    const m = /^(export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) {
      // `export LANG` re-exports an earlier assignment.
      const ex = /^export\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(line);
      if (ex && shell.has(ex[1]!)) exported.set(ex[1]!, shell.get(ex[1]!)!);
      continue;
    }
    const value = shellValue(m[3]!, shell);
    shell.set(m[2]!, value);
    if (m[1] !== undefined) exported.set(m[2]!, value);
  }
  return exported;
}

/** One shell word: quotes removed, variables substituted (not inside single quotes), stops at blank or `;`. */
function shellValue(raw: string, vars: ReadonlyMap<string, string>): string {
  let out = '';
  let i = 0;
  let quote: '"' | "'" | null = null;
  while (i < raw.length) {
    const c = raw[i]!;
    if (quote === null && (c === ' ' || c === '\t' || c === ';' || c === '#')) break;
    if ((c === '"' || c === "'") && (quote === null || quote === c)) {
      quote = quote === null ? c : null;
      i++;
      continue;
    }
    if (c === '$' && quote !== "'") {
      const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(raw.slice(i));
      const bare = braced ? null : /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(raw.slice(i));
      const m = braced ?? bare;
      if (m) {
        out += vars.get(m[1]!) ?? '';
        i += m[0].length;
        continue;
      }
    }
    if (c === '\\' && quote !== "'" && i + 1 < raw.length) {
      out += raw[i + 1];
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
