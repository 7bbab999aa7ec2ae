/**
 * The syntax tree as JSON (`apx to-json --ast`) and back. The JSON form is for tools: `name` and `args`
 * are plain strings (httpd's view of each word), spans are 1-based, and `source` keeps each line's exact
 * text so `fromAstJson(toAstJson(ast))` prints the original file byte-for-byte. A tool that edits `name`
 * or `args` need not touch `source`: a line whose words no longer match its source is regenerated.
 */
import type { Span } from '../diagnostic.js';
import type { Arg, ConfigFile, LineSource, Node } from './ast.js';
import { formatArgs } from './print.js';
import { sameName } from './names.js';
import { traverse } from './traverse.js';
import { joinContinuations, splitWords } from './words.js';

export const AST_FORMAT = 'apx-ast';
export const AST_FORMAT_VERSION = 1;

export interface JsonSpan {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type JsonNode =
  | { kind: 'directive'; name: string; args: string[]; span?: JsonSpan; source?: LineSource }
  | { kind: 'section'; name: string; args: string[]; span?: JsonSpan; open?: LineSource; close?: { name: string; source: LineSource } | null; children: JsonNode[] }
  | { kind: 'comment'; text: string; span?: JsonSpan; source?: LineSource }
  | { kind: 'blank'; span?: JsonSpan; source?: LineSource }
  | { kind: 'stray-close'; name: string; span?: JsonSpan; source?: LineSource };

export interface JsonAst {
  format: typeof AST_FORMAT;
  version: number;
  file: string;
  bom: boolean;
  children: JsonNode[];
}

const jsonSpan = (s: Span): JsonSpan => ({ line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn });
const values = (args: readonly Arg[]): string[] => args.map((a) => a.value);

export function toAstJson(ast: ConfigFile): JsonAst {
  const children: JsonNode[] = [];
  // Iterative (src/syntax/traverse.ts): a JSON section is created on entry and filled by its children.
  const lists: JsonNode[][] = [children];
  traverse(ast.children, {
    enter: (n, depth) => {
      const j = nodeJson(n);
      lists[depth]!.push(j);
      if (j.kind === 'section') lists[depth + 1] = j.children;
    },
  });
  return { format: AST_FORMAT, version: AST_FORMAT_VERSION, file: ast.file, bom: ast.bom, children };
}

/** One node without its children (a section's `children` is filled by the caller). */
function nodeJson(n: Node): JsonNode {
  switch (n.kind) {
    case 'directive':
      return { kind: 'directive', name: n.name, args: values(n.args), span: jsonSpan(n.span), source: n.source };
    case 'section':
      return {
        kind: 'section',
        name: n.name,
        args: values(n.args),
        span: jsonSpan(n.span),
        open: n.open,
        close: n.close ? { name: n.close.name, source: n.close.source } : null,
        children: [],
      };
    case 'comment':
      return { kind: 'comment', text: n.text, span: jsonSpan(n.span), source: n.source };
    case 'blank':
      return { kind: 'blank', span: jsonSpan(n.span), source: n.source };
    case 'stray-close':
      return { kind: 'stray-close', name: n.name, span: jsonSpan(n.span), source: n.source };
  }
}

/** Does this line's source text still say `name args…`? (httpd's word split over the joined text.) */
function sourceSays(text: string, words: readonly string[]): boolean {
  const got = splitWords(joinContinuations(text)).map((w) => w.value);
  return got.length === words.length && got.every((w, i) => w === words[i]);
}

function sectionOpenSays(s: { name: string; args: string[] }, text: string): boolean {
  const joined = joinContinuations(text);
  const gt = joined.lastIndexOf('>');
  if (!joined.startsWith('<') || gt === -1) return false;
  const inner = joined.slice(1, gt);
  return sourceSays(inner, [s.name, ...s.args]);
}

const DEFAULT_EOL = '\n';

function lineOf(src: LineSource | undefined, fallbackIndent: string, text: string): string {
  if (!src) return fallbackIndent + text + DEFAULT_EOL;
  return src.indent + text + (src.text === text ? src.trailing : '') + (src.eol || DEFAULT_EOL);
}

/**
 * JSON → config text. Lines whose `source` still matches their words print exactly as they were; edited or
 * new lines are generated with their arguments quoted as needed and the surrounding indentation.
 */
export function fromAstJson(doc: JsonAst): string {
  const parts: string[] = [];
  writeAstText(doc, (chunk) => parts.push(chunk));
  return parts.join('');
}

/**
 * Writers flush to their sink once this many characters are buffered: the text of a deep file (generated
 * indentation, or a pretty syntax tree) can be longer than V8's largest string.
 */
const CHUNK = 1 << 16;

/** Lines written to a sink in chunks. */
interface LineSink {
  push(line: string): void;
}

/** fromAstJson, written to `sink` in chunks rather than returned as one string. */
export function writeAstText(doc: JsonAst, sink: (chunk: string) => void): void {
  let buf: string[] = [];
  let size = 0;
  const out: LineSink = {
    push(line) {
      buf.push(line);
      size += line.length;
      if (size >= CHUNK) {
        sink(buf.join(''));
        buf = [];
        size = 0;
      }
    },
  };
  if (doc.bom) out.push('\uFEFF');
  type Section = Extract<JsonNode, { kind: 'section' }>;
  // Iterative: one frame per open section, so any depth of nesting converts.
  const stack: { nodes: readonly JsonNode[]; i: number; indent: string; section: Section | null; outer: string }[] = [{ nodes: doc.children, i: 0, indent: '', section: null, outer: '' }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.nodes.length) {
      stack.pop();
      if (top.section) closeSection(top.section, top.outer, out);
      continue;
    }
    const n = top.nodes[top.i++]!;
    const indent = top.indent;
    switch (n.kind) {
      case 'directive': {
        const words = [n.name, ...n.args];
        if (n.source && sourceSays(n.source.text, words)) out.push(raw(n.source));
        else out.push(lineOf(n.source, indent, formatArgs(words.map((value) => ({ value })))));
        break;
      }
      case 'comment':
        out.push(n.source && n.source.text === n.text ? raw(n.source) : lineOf(n.source, indent, n.text.startsWith('#') ? n.text : `# ${n.text}`));
        break;
      case 'blank':
        out.push(n.source ? raw(n.source) : DEFAULT_EOL);
        break;
      case 'stray-close':
        out.push(n.source ? raw(n.source) : `${indent}</${n.name}>${DEFAULT_EOL}`);
        break;
      case 'section': {
        const openText = `<${n.name}${n.args.length ? ' ' + formatArgs(n.args.map((value) => ({ value }))) : ''}>`;
        out.push(n.open && sectionOpenSays(n, n.open.text) ? raw(n.open) : lineOf(n.open, indent, openText));
        const inner = n.open ? n.open.indent + '    ' : indent + '    ';
        stack.push({ nodes: n.children, i: 0, indent: inner, section: n, outer: indent });
        break;
      }
    }
  }
  if (buf.length > 0) sink(buf.join(''));
}

function closeSection(s: Extract<JsonNode, { kind: 'section' }>, indent: string, out: LineSink): void {
  if (s.close === null) return;
  const closeText = `</${s.name}>`;
  if (s.close && sameName(s.close.name, s.name)) out.push(raw(s.close.source));
  else out.push(lineOf(s.close?.source ?? s.open, indent, closeText));
}

function raw(s: LineSource): string {
  return s.indent + s.text + s.trailing + s.eol;
}

/* ------------------------------------------------------------------------------------------------------------
 * Text form. V8's JSON.stringify recurses once per level and overflows near 2,000 nested sections, while httpd
 * reads any depth (server/config.c keeps its section stack in the pool). These write the same bytes as
 * JSON.stringify(value, null, indent) with an explicit stack, so `to-json --ast` works at any depth.
 * ------------------------------------------------------------------------------------------------------------ */

interface Frame {
  readonly value: object;
  /** The keys still to write (objects), or null for an array. */
  readonly keys: readonly string[] | null;
  i: number;
  /** Members written so far: an object whose every value is skipped is `{}`, as JSON.stringify writes it. */
  written: number;
  /** The indentation of the container's closing bracket, and of its members (one gap more). */
  readonly indent: string;
  readonly inner: string;
}

/** JSON.stringify's `space` argument: a number of spaces (at most 10) or the first 10 characters of a string. */
function gapOf(space: number | string | undefined): string {
  if (typeof space === 'number') return ' '.repeat(Math.max(0, Math.min(10, Math.floor(space))));
  return typeof space === 'string' ? space.slice(0, 10) : '';
}

/** What JSON.stringify serializes in place of `v`: its `toJSON(key)` result if it has one, boxed primitives unboxed. */
function serialized(v: unknown, key: string): unknown {
  let r = v;
  if (r !== null && (typeof r === 'object' || typeof r === 'bigint')) {
    const toJson = (r as { toJSON?: unknown }).toJSON;
    if (typeof toJson === 'function') r = (toJson as (k: string) => unknown).call(r, key);
  }
  if (r instanceof Number || r instanceof String || r instanceof Boolean) return r.valueOf();
  return r;
}

const skipped = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/**
 * Write `value` as JSON.stringify(value, null, space) does, in chunks, without recursion. Throws TypeError on a
 * cycle or a BigInt, as JSON.stringify does. A top-level value JSON.stringify skips (undefined) writes nothing.
 */
export function writeJson(value: unknown, space: number | string | undefined, sink: (chunk: string) => void): void {
  const gap = gapOf(space);
  const colon = gap === '' ? ':' : ': ';
  let buf: string[] = [];
  let size = 0;
  const out = (s: string): void => {
    buf.push(s);
    size += s.length;
    if (size >= CHUNK) {
      sink(buf.join(''));
      buf = [];
      size = 0;
    }
  };
  const stack: Frame[] = [];
  const open = new Set<object>();

  /** Write a value that is not skipped; containers are opened and their members follow from the loop. */
  const start = (v: unknown, indent: string): void => {
    if (v === null || typeof v !== 'object') {
      // Strings, numbers (NaN and Infinity become null), booleans; a BigInt throws exactly as in JSON.stringify.
      out(JSON.stringify(v) ?? 'null');
      return;
    }
    if (open.has(v)) throw new TypeError('Converting circular structure to JSON');
    open.add(v);
    const isArray = Array.isArray(v);
    out(isArray ? '[' : '{');
    stack.push({ value: v, keys: isArray ? null : Object.keys(v), i: 0, written: 0, indent, inner: indent + gap });
  };

  const first = serialized(value, '');
  if (skipped(first)) return;
  start(first, '');
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    const length = f.keys === null ? (f.value as unknown[]).length : f.keys.length;
    if (f.i >= length) {
      stack.pop();
      open.delete(f.value);
      const close = f.keys === null ? ']' : '}';
      out(f.written > 0 && gap !== '' ? `\n${f.indent}${close}` : close);
      continue;
    }
    const index = f.i++;
    const inner = f.inner;
    const sep = (f.written > 0 ? ',' : '') + (gap !== '' ? `\n${inner}` : '');
    if (f.keys === null) {
      const v = serialized((f.value as unknown[])[index], String(index));
      f.written++;
      out(sep);
      if (skipped(v)) out('null');
      else start(v, inner);
    } else {
      const key = f.keys[index]!;
      const v = serialized((f.value as Record<string, unknown>)[key], key);
      if (skipped(v)) continue;
      f.written++;
      out(sep + JSON.stringify(key) + colon);
      start(v, inner);
    }
  }
  if (buf.length > 0) sink(buf.join(''));
}

/** JSON.stringify(value, null, space), byte for byte, at any depth of nesting. */
export function stringifyJson(value: unknown, space?: number | string): string {
  const parts: string[] = [];
  writeJson(value, space, (s) => parts.push(s));
  return parts.join('');
}

/* ------------------------------------------------------------------------------------------------------------
 * Reading it back: JSON text → a checked JsonAst, or every problem with the JSON pointer (RFC 6901) of the value
 * it is about, so `apx from-json` can say what to fix instead of printing `undefined` into a config.
 * ------------------------------------------------------------------------------------------------------------ */

/** A problem in JSON input: `path` is a JSON pointer (`/children/0/args`), `` for the document itself. */
export interface JsonProblem {
  readonly path: string;
  readonly message: string;
  /** Where in the text, 1-based, when the JSON itself does not parse. */
  readonly line?: number;
  readonly column?: number;
}

export type JsonParseResult = { readonly value: unknown } | { readonly problem: JsonProblem };

/** 1-based line and column of a UTF-16 offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * JSON.parse (which reads any depth: V8's parser keeps its own stack) with its error turned into a line and
 * column. V8 says `… in JSON at position N` for most errors; for a bad token it says `Unexpected token 'x', "…"
 * is not valid JSON` with no position (the snippet is dropped: it can be the whole input), and then the position
 * is found by parsing prefixes (below).
 */
export function parseJson(text: string): JsonParseResult {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    if (text.trim() === '') return { problem: { path: '', message: 'the input is empty (expected the JSON apx to-json prints)' } };
    const at = /\s+(in|after) JSON at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(raw);
    let offset: number;
    let what: string;
    if (at) {
      offset = Number(at[2]);
      what = raw.slice(0, at.index) + (at[1] === 'after' ? ' after the JSON value' : offset >= text.trimEnd().length ? ', but the input ends (is it cut short?)' : '');
    } else if (raw.startsWith('Unexpected end of JSON input')) {
      offset = text.length;
      what = 'the input ends inside a value (is it cut short?)';
    } else {
      offset = errorOffset(text);
      what = raw.replace(/, (?:\.\.\.)?".*is not valid JSON$/s, '');
    }
    return { problem: { path: '', message: `not valid JSON: ${what.trim()}`, ...lineColumn(text, offset) } };
  }
}

/**
 * Where JSON.parse fails in a text it rejects: the shortest prefix that fails for a reason other than ending
 * early ends one character past the error. Every longer prefix fails too, so a binary search finds it in
 * log₂(length) parses.
 */
function errorOffset(text: string): number {
  const bad = (k: number): boolean => {
    try {
      JSON.parse(text.slice(0, k));
      return false;
    } catch (err) {
      // Running out of text is not the error we look for, however V8 words it (`"-"`, `{"a"` end early too).
      const m = err instanceof Error ? err.message : '';
      const at = /JSON at position (\d+)/.exec(m);
      return !(m.startsWith('Unexpected end of JSON input') || (at !== null && Number(at[1]) >= k));
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bad(mid)) hi = mid;
    else lo = mid + 1;
  }
  return Math.max(0, lo - 1);
}

/** One JSON pointer reference token (RFC 6901: `~` is `~0`, `/` is `~1`). */
const pointer = (key: string | number): string => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const KINDS = ['directive', 'section', 'comment', 'blank', 'stray-close'];

function checkSource(v: unknown, path: string, problems: JsonProblem[]): void {
  if (v === undefined) return;
  if (!isObject(v)) return void problems.push({ path, message: 'must be an object {indent, text, trailing, eol}, or left out' });
  for (const k of ['indent', 'text', 'trailing', 'eol']) if (typeof v[k] !== 'string') problems.push({ path: path + pointer(k), message: 'must be a string' });
}

/**
 * Check a parsed value against the shape toAstJson writes (optional parts may be left out: a tool adding a node
 * writes only `kind`, `name` and `args`). Iterative, so a document of any depth is checked.
 */
export function checkAstJson(value: unknown): JsonProblem[] {
  const problems: JsonProblem[] = [];
  const need = (ok: boolean, path: string, message: string): boolean => {
    if (!ok) problems.push({ path, message });
    return ok;
  };
  if (!need(isObject(value), '', 'must be a JSON object (the output of apx to-json --ast)')) return problems;
  const doc = value as Record<string, unknown>;
  if (!need(doc['format'] === AST_FORMAT, '/format', `must be "${AST_FORMAT}", got ${JSON.stringify(doc['format'] ?? null)}`)) return problems;
  need(doc['version'] === AST_FORMAT_VERSION, '/version', `apx reads syntax tree version ${AST_FORMAT_VERSION}, this is ${JSON.stringify(doc['version'] ?? null)}`);
  need(typeof doc['file'] === 'string', '/file', 'must be a string');
  need(typeof doc['bom'] === 'boolean', '/bom', 'must be a boolean');
  // Depth first in document order, one frame per open list, so problems come out in reading order at any depth.
  const stack: { nodes: readonly unknown[]; i: number; path: string }[] = [];
  const enter = (nodes: unknown, path: string): void => {
    if (need(Array.isArray(nodes), path, 'must be an array of nodes')) stack.push({ nodes: nodes as unknown[], i: 0, path });
  };
  enter(doc['children'], '/children');
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.nodes.length) {
      stack.pop();
      continue;
    }
    const i = top.i++;
    const p = top.path + pointer(i);
    const n = top.nodes[i];
    if (!need(isObject(n), p, 'must be an object with a "kind"')) continue;
    const node = n as Record<string, unknown>;
    const kind = node['kind'];
    if (!need(typeof kind === 'string' && KINDS.includes(kind), p + '/kind', `must be one of ${KINDS.map((k) => `"${k}"`).join(', ')}, got ${JSON.stringify(kind ?? null)}`)) continue;
    if (kind === 'directive' || kind === 'section' || kind === 'stray-close') need(typeof node['name'] === 'string' && node['name'] !== '', p + '/name', 'must be a non-empty string');
    if (kind === 'directive' || kind === 'section') {
      const args = node['args'];
      if (need(Array.isArray(args), p + '/args', 'must be an array of strings')) {
        (args as unknown[]).forEach((a, j) => need(typeof a === 'string', p + '/args' + pointer(j), 'must be a string'));
      }
    }
    if (kind === 'comment') need(typeof node['text'] === 'string', p + '/text', 'must be a string');
    if (kind !== 'section') {
      checkSource(node['source'], p + '/source', problems);
      continue;
    }
    checkSource(node['open'], p + '/open', problems);
    const close = node['close'];
    if (close !== undefined && close !== null && need(isObject(close), p + '/close', 'must be {name, source}, null (never closed) or left out')) {
      const c = close as Record<string, unknown>;
      need(typeof c['name'] === 'string', p + '/close/name', 'must be a string');
      if (need(c['source'] !== undefined, p + '/close/source', 'must be an object {indent, text, trailing, eol}')) checkSource(c['source'], p + '/close/source', problems);
    }
    enter(node['children'], p + '/children');
  }
  return problems;
}

export type AstJsonResult = { readonly ast: JsonAst } | { readonly errors: readonly JsonProblem[] };

/** `apx to-json --ast` output → a checked JsonAst, or the problems with their JSON pointers. */
export function readAstJson(text: string): AstJsonResult {
  const parsed = parseJson(text);
  if ('problem' in parsed) return { errors: [parsed.problem] };
  const errors = checkAstJson(parsed.value);
  return errors.length > 0 ? { errors } : { ast: parsed.value as JsonAst };
}
