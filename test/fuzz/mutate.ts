/**
 * Mutations of config text, aimed at the places httpd's reader is subtle: line structure (delete, duplicate,
 * swap), quotes, section brackets, `\`-newline continuations, comments, bytes editors and tools leave behind
 * (NUL, CR, U+FEFF), very long lines and deep nesting. Each mutation is a pure function of (text, rng).
 */
import type { Rng } from './prng.js';

export interface Mutation {
  readonly name: string;
  apply(text: string, rng: Rng, donor: string): string;
}

const SECTION_NAMES = ['VirtualHost', 'Location', 'LocationMatch', 'Directory', 'Proxy', 'IfModule', 'IfDefine', 'Files', 'X', 'virtualhost'];

/** Split keeping terminators, so joining gives the text back. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const at = (text: string, rng: Rng): number => rng.int(0, text.length);
const insert = (text: string, i: number, s: string): string => text.slice(0, i) + s + text.slice(i);

/** Offset of the start of a random line (insertions there stay at line start). */
function lineStart(text: string, rng: Rng): number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1 && starts.length < 100_000; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return rng.pick(starts);
}

function token(rng: Rng): string {
  const name = rng.pick(SECTION_NAMES);
  return rng.pick([
    '<',
    '>',
    `</${name}>`,
    `</${name}`,
    `</${name} >`,
    `</${name}>>`,
    `<${name} /a>`,
    `<${name}`,
    `<${name} "/a b>`,
    '\\\n',
    '\\\r\n',
    '\\ \n',
    '\\\\\n',
    '#',
    '# \\\n',
    '"',
    "'",
    '\\"',
    '\\',
    '${',
    '${VAR}',
    '}',
    '\n',
    '\r\n',
    '\r',
    '\t',
    '\0',
    '\uFEFF',
  ]);
}

const ODD_CHARS = ['\0', '\r', '\n', '\t', '\v', '\f', '\uFEFF', '\uFFFD', '\u00A0', '\u2028', '\u{1F600}', '"', "'", '\\', '<', '>', '/', '#', '$', '{', '}', ' '];

function randomChar(rng: Rng): string {
  if (rng.chance(0.6)) return rng.pick(ODD_CHARS);
  if (rng.chance(0.5)) return String.fromCharCode(rng.int(0, 0x7f));
  const code = rng.int(0x80, 0xfffd);
  // A file decoded as UTF-8 never holds a lone surrogate; U+FFFD is what the decoder leaves instead.
  return String.fromCharCode(code >= 0xd800 && code <= 0xdfff ? 0xfffd : code);
}

export const mutations: readonly Mutation[] = [
  {
    name: 'delete lines',
    apply: (text, rng) => {
      const ls = lines(text);
      if (ls.length === 0) return text;
      const i = rng.int(0, ls.length - 1);
      ls.splice(i, rng.int(1, Math.min(8, ls.length - i)));
      return ls.join('');
    },
  },
  {
    name: 'duplicate lines',
    apply: (text, rng) => {
      const ls = lines(text);
      if (ls.length === 0) return text;
      const i = rng.int(0, ls.length - 1);
      const chunk = ls.slice(i, i + rng.int(1, 8));
      ls.splice(rng.int(0, ls.length), 0, ...chunk);
      return ls.join('');
    },
  },
  {
    name: 'swap lines',
    apply: (text, rng) => {
      const ls = lines(text);
      if (ls.length < 2) return text;
      const i = rng.int(0, ls.length - 1);
      const j = rng.int(0, ls.length - 1);
      [ls[i], ls[j]] = [ls[j]!, ls[i]!];
      return ls.join('');
    },
  },
  {
    name: 'cut a quote',
    apply: (text, rng) => {
      const quotes: number[] = [];
      for (let i = 0; i < text.length && quotes.length < 10_000; i++) if (text[i] === '"' || text[i] === "'") quotes.push(i);
      if (quotes.length === 0) return insert(text, at(text, rng), '"');
      const q = rng.pick(quotes);
      // Either drop the quote or cut the line just after it, leaving the string unterminated.
      if (rng.chance(0.5)) return text.slice(0, q) + text.slice(q + 1);
      const eol = text.indexOf('\n', q);
      return text.slice(0, q + 1) + (eol === -1 ? '' : text.slice(eol));
    },
  },
  { name: 'insert a token', apply: (text, rng) => insert(text, at(text, rng), token(rng)) },
  { name: 'insert a token at line start', apply: (text, rng) => insert(text, lineStart(text, rng), token(rng)) },
  {
    name: 'insert random characters',
    apply: (text, rng) => {
      let s = '';
      for (let n = rng.int(1, 8); n > 0; n--) s += randomChar(rng);
      return insert(text, at(text, rng), s);
    },
  },
  {
    name: 'delete characters',
    apply: (text, rng) => {
      const i = at(text, rng);
      return text.slice(0, i) + text.slice(i + rng.int(1, 16));
    },
  },
  {
    name: 'very long line',
    apply: (text, rng) => {
      const unit = rng.pick(['a', 'a ', '"', '"a" ', '#', '\\"', '<x', '</x>', '\\\n', ' \\\n', '\\\\', '${A}', '\t', '\r']);
      const line = unit.repeat(Math.ceil(rng.int(1_000, 100_000) / unit.length));
      return insert(text, lineStart(text, rng), `${rng.pick(['', 'ServerAlias ', '# ', '<Location ', 'Header set X "'])}${line}\n`);
    },
  },
  {
    name: 'deep nesting',
    apply: (text, rng) => {
      const depth = rng.int(1, rng.chance(0.2) ? 3_000 : 200);
      const name = rng.pick(SECTION_NAMES);
      const open = `<${name} a>\n`.repeat(depth);
      // Mostly balanced; sometimes short of closers, or closed by the wrong name.
      const closers = rng.chance(0.6) ? depth : rng.int(0, depth);
      const close = `</${rng.chance(0.8) ? name : rng.pick(SECTION_NAMES)}>\n`.repeat(closers);
      const i = lineStart(text, rng);
      return text.slice(0, i) + open + text.slice(i) + (text.endsWith('\n') || text === '' ? '' : '\n') + close;
    },
  },
  { name: 'LF to CRLF', apply: (text, rng) => (rng.chance(0.5) ? text.replace(/\n/g, '\r\n') : text.replace(/\n/, '\r\n')) },
  { name: 'truncate', apply: (text, rng) => text.slice(0, at(text, rng)) },
  { name: 'BOM', apply: (text) => `\uFEFF${text}` },
  {
    name: 'splice lines from another file',
    apply: (text, rng, donor) => {
      const ls = lines(text);
      const ds = lines(donor);
      if (ds.length === 0) return text;
      const i = rng.int(0, ds.length - 1);
      ls.splice(rng.int(0, ls.length), 0, ...ds.slice(i, i + rng.int(1, 20)));
      return ls.join('');
    },
  },
];

export interface Mutated {
  readonly text: string;
  readonly applied: readonly string[];
}

/** One to four mutations in a row. */
export function mutate(text: string, rng: Rng, donor: string): Mutated {
  const applied: string[] = [];
  let out = text;
  for (let n = rng.int(1, 4); n > 0; n--) {
    const m = rng.pick(mutations);
    out = m.apply(out, rng, donor);
    applied.push(m.name);
  }
  return { text: out, applied };
}
