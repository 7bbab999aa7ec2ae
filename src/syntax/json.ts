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
  const out: string[] = doc.bom ? ['\uFEFF'] : [];
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
  return out.join('');
}

function closeSection(s: Extract<JsonNode, { kind: 'section' }>, indent: string, out: string[]): void {
  if (s.close === null) return;
  const closeText = `</${s.name}>`;
  if (s.close && sameName(s.close.name, s.name)) out.push(raw(s.close.source));
  else out.push(lineOf(s.close?.source ?? s.open, indent, closeText));
}

function raw(s: LineSource): string {
  return s.indent + s.text + s.trailing + s.eol;
}

