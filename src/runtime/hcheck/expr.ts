/**
 * The part of ap_expr that `ProxyHCExpr` conditions use in practice (mod_proxy_hcheck evaluates them against the
 * probe's response): `%{REQUEST_STATUS}` and `hc('body')` compared with `=~`/`!~` against `/regex/` (or
 * `m#regex#`, with an `i` flag), with `==`/`!=`/`=`/`<`/`<=`/`>`/`>=` or `-eq -ne -lt -le -gt -ge` against a
 * number or a quoted string, combined with `!`, `&&`, `||` and parentheses; `true`/`false`.
 * Anything else is refused at start-up with the reason, so a check is never evaluated wrongly.
 */

export interface ProbeResult {
  readonly status: number;
  readonly body: string;
}

export type HcExpr = (r: ProbeResult) => boolean;

type Operand = { kind: 'status' } | { kind: 'body' } | { kind: 'literal'; value: string };

class ExprError extends Error {}

/** Parse `{%{REQUEST_STATUS} =~ /^[234]/}` (braces optional). Throws an Error saying what is not supported. */
export function parseHcExpr(text: string): HcExpr {
  let src = text.trim();
  if (src.startsWith('{') && src.endsWith('}')) src = src.slice(1, -1).trim();
  let i = 0;
  const ws = (): void => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const fail = (why: string): never => {
    throw new ExprError(`${why} at "${src.slice(i, i + 20)}" in ${text}`);
  };

  const operand = (): Operand => {
    ws();
    if (src.startsWith('%{', i)) {
      const end = src.indexOf('}', i);
      if (end < 0) fail('unclosed %{');
      const name = src.slice(i + 2, end);
      i = end + 1;
      if (name.toUpperCase() === 'REQUEST_STATUS') return { kind: 'status' };
      return fail(`variable %{${name}} is not supported (only %{REQUEST_STATUS})`);
    }
    const hc = /^hc\(\s*(['"])body\1\s*\)/.exec(src.slice(i));
    if (hc) {
      i += hc[0].length;
      return { kind: 'body' };
    }
    const q = src[i];
    if (q === "'" || q === '"') {
      const end = src.indexOf(q, i + 1);
      if (end < 0) fail('unclosed string');
      const value = src.slice(i + 1, end);
      i = end + 1;
      return { kind: 'literal', value };
    }
    const num = /^-?\d+/.exec(src.slice(i));
    if (num) {
      i += num[0].length;
      return { kind: 'literal', value: num[0] };
    }
    return fail('expected %{REQUEST_STATUS}, hc(\'body\'), a number or a quoted string');
  };

  const regex = (): RegExp => {
    ws();
    let open = src[i];
    if (open === 'm') {
      i++;
      open = src[i];
    }
    if (!open || /[\w\s]/.test(open)) fail('expected /regex/');
    const close = open;
    let j = i + 1;
    let body = '';
    while (j < src.length && src[j] !== close) {
      if (src[j] === '\\' && src[j + 1] === close) {
        body += close;
        j += 2;
        continue;
      }
      body += src[j];
      j++;
    }
    if (j >= src.length) fail('unclosed regex');
    i = j + 1;
    let flags = '';
    if (src[i] === 'i') {
      flags = 'i';
      i++;
    }
    try {
      return new RegExp(body, flags);
    } catch (err) {
      return fail(`bad regex (${(err as Error).message})`);
    }
  };

  const value = (o: Operand, r: ProbeResult): string => (o.kind === 'status' ? String(r.status) : o.kind === 'body' ? r.body : o.value);

  const comparison = (): HcExpr => {
    ws();
    if (/^true\b/.test(src.slice(i))) {
      i += 4;
      return () => true;
    }
    if (/^false\b/.test(src.slice(i))) {
      i += 5;
      return () => false;
    }
    const left = operand();
    ws();
    const op = /^(=~|!~|==|!=|<=|>=|=|<|>|-eq|-ne|-lt|-le|-gt|-ge)/.exec(src.slice(i))?.[1];
    if (!op) return fail('expected a comparison operator');
    i += op.length;
    if (op === '=~' || op === '!~') {
      const re = regex();
      return (r) => re.test(value(left, r)) === (op === '=~');
    }
    const right = operand();
    const numeric = op.startsWith('-');
    return (r) => {
      const a = value(left, r);
      const b = value(right, r);
      const cmp = numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0;
      switch (op) {
        case '==':
        case '=':
        case '-eq':
          return numeric ? cmp === 0 : a === b;
        case '!=':
        case '-ne':
          return numeric ? cmp !== 0 : a !== b;
        case '<':
        case '-lt':
          return cmp < 0;
        case '<=':
        case '-le':
          return cmp <= 0;
        case '>':
        case '-gt':
          return cmp > 0;
        default:
          return cmp >= 0;
      }
    };
  };

  const factor = (): HcExpr => {
    ws();
    if (src[i] === '!' && src[i + 1] !== '~' && src[i + 1] !== '=') {
      i++;
      const f = factor();
      return (r) => !f(r);
    }
    if (src[i] === '(') {
      i++;
      const e = or();
      ws();
      if (src[i] !== ')') fail('expected )');
      i++;
      return e;
    }
    return comparison();
  };

  const and = (): HcExpr => {
    let left = factor();
    for (;;) {
      ws();
      if (!src.startsWith('&&', i)) return left;
      i += 2;
      const l = left;
      const right = factor();
      left = (r) => l(r) && right(r);
    }
  };

  const or = (): HcExpr => {
    let left = and();
    for (;;) {
      ws();
      if (!src.startsWith('||', i)) return left;
      i += 2;
      const l = left;
      const right = and();
      left = (r) => l(r) || right(r);
    }
  };

  const e = or();
  ws();
  if (i < src.length) fail('unexpected text');
  return e;
}
