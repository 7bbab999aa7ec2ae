/**
 * What must hold for every input, however broken: parse() returns (diagnostics, never an exception), the printer
 * gives the exact text back, every span points inside the text with line/column matching its offsets, and the
 * work takes bounded time. Plus a shrinker that cuts a failing input down to a small reproduction.
 */
import type { Span } from '../../src/diagnostic.js';
import type { Arg, Node } from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';
import { print } from '../../src/syntax/print.js';
import { traverse } from '../../src/syntax/traverse.js';

export type ProblemKind = 'throw' | 'round-trip' | 'span' | 'time' | 'load-throw' | 'load-time';

export interface Problem {
  readonly kind: ProblemKind;
  readonly message: string;
}

/**
 * Time one input may take. Not a benchmark: a bound that catches super-linear blow-ups (regex backtracking,
 * rescanning from line starts) while leaving room for GC pauses and a slow CI machine.
 */
export function budgetMs(text: string): number {
  return 1_000 + text.length / 1_000;
}

/**
 * A stopwatch that other processes cannot fool: the smaller of wall time (inflated when the machine is busy —
 * CI shares its cores) and this process's CPU time (inflated by parallel GC threads). A super-linear blow-up
 * inflates both, so it is still caught; a busy machine alone does not make the run fail.
 */
export function stopwatch(): () => number {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(cpu);
    return Math.min(performance.now() - wall, (c.user + c.system) / 1_000);
  };
}

/** Line starts by LF, as src/syntax counts lines (a lone CR is a blank for httpd, not a line end). */
export class Positions {
  private readonly starts: number[] = [0];
  private readonly bom: boolean;
  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    this.bom = text.charCodeAt(0) === 0xfeff;
  }

  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    let column = offset - this.starts[lo]! + 1;
    // A leading BOM is not a column: the first word of the file is at 1:1 (src/syntax/positions.ts).
    if (lo === 0 && this.bom) column = Math.max(1, column - 1);
    return { line: lo + 1, column };
  }

  /** What is wrong with a span, or null. */
  problem(span: Span, file: string): string | null {
    if (span.file !== file) return `file ${JSON.stringify(span.file)}, expected ${JSON.stringify(file)}`;
    const ints = [span.offset, span.endOffset, span.line, span.column, span.endLine, span.endColumn];
    if (!ints.every(Number.isInteger)) return `non-integer position ${JSON.stringify(span)}`;
    if (!(span.offset >= 0 && span.offset <= span.endOffset && span.endOffset <= this.text.length)) {
      return `offsets ${span.offset}..${span.endOffset} not within 0..${this.text.length}`;
    }
    if (span.line < 1 || span.column < 1 || span.endLine < 1 || span.endColumn < 1) return `positions must be 1-based: ${show(span)}`;
    const s = this.at(span.offset);
    const e = this.at(span.endOffset);
    if (s.line !== span.line || s.column !== span.column) return `start ${span.line}:${span.column} but offset ${span.offset} is at ${s.line}:${s.column}`;
    if (e.line !== span.endLine || e.column !== span.endColumn) return `end ${span.endLine}:${span.endColumn} but offset ${span.endOffset} is at ${e.line}:${e.column}`;
    return null;
  }
}

const show = (s: Span): string => `${s.line}:${s.column}-${s.endLine}:${s.endColumn} [${s.offset},${s.endOffset})`;

/** Every span in the tree, depth-first without recursion (a fuzzed file may nest 20,000 levels deep). */
function spansOf(nodes: readonly Node[]): [string, Span][] {
  const out: [string, Span][] = [];
  const args = (owner: string, list: readonly Arg[]): void => {
    for (const [i, a] of list.entries()) out.push([`${owner} argument ${i + 1}`, a.span]);
  };
  traverse(nodes, {
    enter: (n) => {
      out.push([`${n.kind} node`, n.span]);
      if (n.kind === 'directive') args(`directive ${n.name}`, n.args);
      if (n.kind === 'section') {
        out.push([`<${n.name}> opener`, n.openSpan]);
        args(`<${n.name}>`, n.args);
        if (n.close) out.push([`</${n.close.name}> closer`, n.close.span]);
      }
    },
  });
  return out;
}

/** The parse-side invariants; null when all hold. */
export function checkParse(text: string, file = 'fuzz.conf'): Problem | null {
  const elapsed = stopwatch();
  let result: ReturnType<typeof parse>;
  try {
    result = parse(text, file);
  } catch (e) {
    return { kind: 'throw', message: `parse threw ${errorText(e)}` };
  }
  const parseMs = elapsed();

  let printed: string;
  try {
    printed = print(result.ast);
  } catch (e) {
    return { kind: 'throw', message: `print threw ${errorText(e)}` };
  }
  if (printed !== text) {
    let i = 0;
    while (i < text.length && printed[i] === text[i]) i++;
    return {
      kind: 'round-trip',
      message: `print(parse(text).ast) differs from the text at offset ${i}: text ${JSON.stringify(text.slice(i, i + 40))}, printed ${JSON.stringify(printed.slice(i, i + 40))} (lengths ${text.length} / ${printed.length})`,
    };
  }

  const pos = new Positions(text);
  for (const d of result.diagnostics) {
    const p = pos.problem(d.span, file);
    if (p) return { kind: 'span', message: `diagnostic ${d.code} ("${d.message}"): ${p}` };
    for (const r of d.related ?? []) {
      const rp = pos.problem(r.span, file);
      if (rp) return { kind: 'span', message: `diagnostic ${d.code}, related "${r.message}": ${rp}` };
    }
    if (!['error', 'warning', 'info'].includes(d.severity) || d.code === '' || d.message === '') {
      return { kind: 'span', message: `malformed diagnostic ${JSON.stringify({ severity: d.severity, code: d.code, message: d.message })}` };
    }
  }
  for (const [what, span] of spansOf(result.ast.children)) {
    const p = pos.problem(span, file);
    if (p) return { kind: 'span', message: `${what}: ${p}` };
  }

  if (parseMs > budgetMs(text)) return { kind: 'time', message: `parse took ${parseMs.toFixed(0)} ms for ${text.length} characters (budget ${budgetMs(text).toFixed(0)} ms)` };
  return null;
}

export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const frames = (e.stack ?? '').split('\n').slice(1, 6).map((l) => l.trim()).join(' | ');
    return `${e.name}: ${e.message}${frames ? ` (${frames})` : ''}`;
  }
  return String(e);
}

/**
 * Cut `text` down while `fails` stays true: drop chunks of lines, halving the chunk size (ddmin), then single
 * characters, until nothing more can go or `deadline` (Date.now() value) passes.
 */
export async function shrink(text: string, fails: (t: string) => boolean | Promise<boolean>, deadline: number): Promise<string> {
  const byLines = (t: string): string[] => t.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const pass = async (units: string[]): Promise<string[]> => {
    let n = 2;
    while (units.length >= 2 && Date.now() < deadline) {
      const size = Math.ceil(units.length / n);
      let reduced = false;
      for (let i = 0; i < units.length && Date.now() < deadline; i += size) {
        const candidate = [...units.slice(0, i), ...units.slice(i + size)];
        if (await fails(candidate.join(''))) {
          units = candidate;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
      if (!reduced) {
        if (size <= 1) break;
        n = Math.min(n * 2, units.length);
      }
    }
    return units;
  };
  let out = (await pass(byLines(text))).join('');
  if (out.length <= 4_000) out = (await pass([...out])).join('');
  return out;
}
