/**
 * httpd's word rules, on text whose `\`-newline continuations have already been joined.
 *
 * server/util.c, ap_getword_conf: skip blanks (C isspace); a word that starts with `"` or `'` runs to the
 * matching quote, where `\` escapes the quote and itself; an unclosed quote runs to the end of the line;
 * any other word runs to the next blank, and in it `\\` stands for one backslash (substring_conf).
 */

const CONTINUATION = /\\\r?\n/g;

/** Join physical lines the way ap_cfg_getline does: remove each backslash-newline pair. */
export function joinContinuations(raw: string): string {
  return raw.includes('\\') ? raw.replace(CONTINUATION, '') : raw;
}

export function isBlank(code: number): boolean {
  // C isspace in the "C" locale: space, \t, \n, \v, \f, \r.
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** A word of a joined line: its value and where it sits in that line. */
export interface Word {
  readonly value: string;
  /** Offsets in the joined text; `end` is exclusive and includes a closing quote. */
  readonly start: number;
  readonly end: number;
  readonly quote: '"' | "'" | null;
  readonly unterminated: boolean;
}

/** substring_conf: undo the escapes httpd honours inside one word. */
function unescape(body: string, quote: '"' | "'" | null): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    const next = body[i + 1];
    if (c === '\\' && (next === '\\' || (quote !== null && next === quote))) {
      out += next;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** Scan one word starting at `start` (which must not be a blank). */
export function scanWord(line: string, start: number): Word {
  const q = line[start];
  if (q === '"' || q === "'") {
    let i = start + 1;
    while (i < line.length && line[i] !== q) {
      if (line[i] === '\\' && (line[i + 1] === q || line[i + 1] === '\\')) i += 2;
      else i++;
    }
    const unterminated = i >= line.length;
    let bodyEnd = i;
    // httpd trims the logical line before splitting, so an unclosed string loses its trailing blanks.
    if (unterminated) while (bodyEnd > start + 1 && isBlank(line.charCodeAt(bodyEnd - 1))) bodyEnd--;
    return {
      value: unescape(line.slice(start + 1, bodyEnd), q),
      start,
      end: unterminated ? bodyEnd : i + 1,
      quote: q,
      unterminated,
    };
  }
  let i = start;
  while (i < line.length && !isBlank(line.charCodeAt(i))) i++;
  return { value: unescape(line.slice(start, i), null), start, end: i, quote: null, unterminated: false };
}

/** Split a joined line (or the argument part of one) into words, as repeated ap_getword_conf calls do. */
export function splitWords(line: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isBlank(line.charCodeAt(i))) i++;
    if (i >= line.length) return words;
    const w = scanWord(line, i);
    words.push(w);
    i = w.end;
  }
}

/** The value of one raw token from the file: continuations joined, then read as one word. */
export function tokenValue(raw: string): { value: string; quote: '"' | "'" | null; unterminated: boolean } {
  const w = scanWord(joinContinuations(raw), 0);
  return { value: w.value, quote: w.quote, unterminated: w.unterminated };
}

/**
 * Quote a value so httpd reads it back as exactly that one word — for printers that generate lines.
 * Bare when it has no blanks, quotes or backslash pairs that would change meaning; else double-quoted.
 */
export function quoteWord(value: string): string {
  if (value !== '' && !/[\s"'\\]/.test(value) && !value.startsWith('#')) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
