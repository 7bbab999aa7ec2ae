/**
 * `${VAR}` substitution, as util.c ap_resolve_env does it on each logical line before the line is split into
 * words: the name runs from `${` to the first `}`; a Define'd value wins over the environment; a name that is
 * neither keeps its text as written (httpd logs AH00111, "Config variable ${X} is not defined") unless it holds a
 * `:` (`${map:key}` belongs to mod_rewrite and is not warned about). Substituted text is never scanned again.
 */

export interface UndefinedVar {
  readonly name: string;
  /** Offsets of `${name}` in the input text; `end` is exclusive. */
  readonly start: number;
  readonly end: number;
}

export interface Expansion {
  readonly text: string;
  /** True when at least one variable was replaced. */
  readonly changed: boolean;
  readonly undefinedVars: readonly UndefinedVar[];
}

export type VarLookup = (name: string) => string | undefined;

export function expandVars(text: string, lookup: VarLookup): Expansion {
  let i = text.indexOf('$');
  if (i === -1) return { text, changed: false, undefinedVars: [] };
  let out = text.slice(0, i);
  let changed = false;
  const undefinedVars: UndefinedVar[] = [];
  while (i < text.length) {
    const c = text[i]!;
    if (c === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close !== -1) {
        const name = text.slice(i + 2, close);
        const value = lookup(name);
        if (value !== undefined) {
          out += value;
          changed = true;
        } else {
          out += text.slice(i, close + 1);
          if (!name.includes(':')) undefinedVars.push({ name, start: i, end: close + 1 });
        }
        i = close + 1;
        continue;
      }
    }
    if (c === '$') {
      out += c;
      i++;
      continue;
    }
    const next = text.indexOf('$', i);
    const stop = next === -1 ? text.length : next;
    out += text.slice(i, stop);
    i = stop;
  }
  return { text: out, changed, undefinedVars };
}
