/** Offsets → 1-based line/column, counting lines by LF as httpd does. */
import type { Span } from '../diagnostic.js';

/**
 * Built on the first question: a clean file may never need a line number (spans are made when a diagnostic
 * points at something), and the index of a 400,000-line file is worth not building then.
 */
export class LineIndex {
  private startsMemo: number[] | null = null;

  constructor(
    readonly file: string,
    private readonly text: string,
    /** A BOM is not a column: a reader's editor shows the first word at column 1. */
    private readonly bomWidth: number = 0,
  ) {}

  private get starts(): number[] {
    if (this.startsMemo === null) {
      const starts = [0];
      const text = this.text;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.startsMemo = starts;
    }
    return this.startsMemo;
  }

  lineOf(offset: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  columnOf(offset: number, line: number = this.lineOf(offset)): number {
    const col = offset - this.starts[line - 1]! + 1;
    return line === 1 && this.bomWidth > 0 ? Math.max(1, col - this.bomWidth) : col;
  }

  span(offset: number, endOffset: number): Span {
    const line = this.lineOf(offset);
    const endLine = endOffset === offset ? line : this.lineOf(endOffset);
    return {
      file: this.file,
      line,
      column: this.columnOf(offset, line),
      endLine,
      endColumn: this.columnOf(endOffset, endLine),
      offset,
      endOffset,
    };
  }
}
