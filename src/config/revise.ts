/**
 * The syntax stage judges a file as text; some of its verdicts depend on what httpd evaluates while it reads
 * (docs/syntax.md, "Known deviations"):
 *
 * - a TRUE conditional section is read by ap_build_cont_config (server/config.c), which returns without error
 *   at the end of the file, so the block and every section opened inside it may stay open
 *   (`syntax/unclosed-section` is taken back);
 * - a FALSE one is skipped by ap_soak_end_container, which looks only at each line's first word: an opener's
 *   missing `>` and a U+FEFF before a word are not seen (`syntax/open-missing-gt`, `syntax/bom` taken back);
 * - `${VAR}` is substituted before the line is recognised, so a variable can supply an opener's `>` or a whole
 *   closer (`syntax/open-missing-gt`, `syntax/unclosed-section` taken back; after such a closer, the closer
 *   the syntax stage found mismatched may be the right one: `syntax/mismatched-close`);
 * - text after the closer of a true conditional is no longer "ignored": the line is refused, and src/config
 *   reports that instead (`syntax/text-after-close` taken back).
 *
 * A file can be read more than once (two Includes of it, with different Defines in force), so a diagnostic is
 * taken back only when every reading of the file says httpd accepts it there.
 */
import type { Diagnostic } from '../diagnostic.js';

export type RevisableCode = 'syntax/unclosed-section' | 'syntax/open-missing-gt' | 'syntax/bom' | 'syntax/text-after-close' | 'syntax/mismatched-close' | 'syntax/close-missing-gt';

export const REVISABLE: ReadonlySet<string> = new Set<RevisableCode>([
  'syntax/unclosed-section',
  'syntax/open-missing-gt',
  'syntax/bom',
  'syntax/text-after-close',
  'syntax/mismatched-close',
  // Never taken back; looked up to know that a closer is already refused.
  'syntax/close-missing-gt',
]);

const key = (code: string, offset: number): string => `${code}@${offset}`;

export class Revisions {
  private readonly candidates = new Set<string>();
  private readonly accepted = new Set<string>();
  private readonly refused = new Set<string>();

  /** The revisable diagnostics of one file's parse, or null when it has none (the common case: no work). */
  static of(diagnostics: readonly Diagnostic[]): Revisions | null {
    let r: Revisions | null = null;
    for (const d of diagnostics) {
      if (!REVISABLE.has(d.code)) continue;
      r ??= new Revisions();
      r.candidates.add(key(d.code, d.span.offset));
    }
    return r;
  }

  /** Whether the syntax stage reported `code` at `offset` (a diagnostic's span starts there). */
  has(code: RevisableCode, offset: number): boolean {
    return this.candidates.has(key(code, offset));
  }

  /** One reading's verdict on the diagnostic `code` at `offset`: httpd accepts what it complains about, or not. */
  decide(code: RevisableCode, offset: number, httpdAccepts: boolean): void {
    const k = key(code, offset);
    if (!this.candidates.has(k)) return;
    (httpdAccepts ? this.accepted : this.refused).add(k);
  }

  /** `diagnostics` without those every reading took back. */
  apply(diagnostics: readonly Diagnostic[]): readonly Diagnostic[] {
    if (this.accepted.size === 0) return diagnostics;
    return diagnostics.filter((d) => {
      const k = key(d.code, d.span.offset);
      return !(this.accepted.has(k) && !this.refused.has(k));
    });
  }
}
