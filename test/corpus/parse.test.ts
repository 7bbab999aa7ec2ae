/**
 * Every file of the shared corpus of real configs (../shared/corpus, or $APX_CORPUS): parses without throwing,
 * prints back byte-for-byte, and — because real Apache accepts it — has no error-severity diagnostic. The few
 * files Apache refuses are listed in EXPECTED_ERRORS with the reason, and must get exactly those errors.
 * test/differential/parse.test.ts checks both claims against `apache2 -t` for the files it can run alone.
 *
 * The corpus is read-only and grows: rows come from walking what is present, never from a list of names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, walkFiles } from '../support/corpus.js';
import type { Diagnostic, Span } from '../../src/diagnostic.js';
import { parse } from '../../src/syntax/parse.js';
import { print } from '../../src/syntax/print.js';


/** Corpus files (relative paths) Apache refuses, the reason, and the error diagnostics apx must give. */
const EXPECTED_ERRORS: Record<string, { reason: string; errors: { code: string; line: number }[] }> = {
  'certbot-testdata/debian_apache_2_4/augeas_vhosts/apache2/conf-available/bad_conf_file.conf': {
    reason: "certbot's deliberately broken file: <VirtualHost 1.1.1.1> on line 1 is never closed (apache2 -t: \"<VirtualHost> was not closed.\")",
    errors: [{ code: 'syntax/unclosed-section', line: 1 }],
  },
  'certbot-testdata/debian_apache_2_4/multiple_vhosts/apache2/conf-available/bad_conf_file.conf': {
    reason: "certbot's deliberately broken file: <VirtualHost 1.1.1.1> on line 1 is never closed (apache2 -t: \"<VirtualHost> was not closed.\")",
    errors: [{ code: 'syntax/unclosed-section', line: 1 }],
  },
};


interface CorpusFile {
  readonly rel: string;
  readonly text: string;
}

function readCorpus(): { texts: CorpusFile[]; binaries: string[] } {
  const texts: CorpusFile[] = [];
  const binaries: string[] = [];
  for (const path of walkFiles(CORPUS)) {
    const bytes = readFileSync(path);
    const rel = relative(CORPUS, path);
    // A NUL byte marks a binary file (Debian's mime `magic` database, images): not configuration text.
    if (bytes.includes(0)) binaries.push(rel);
    else texts.push({ rel, text: bytes.toString('utf8') });
  }
  return { texts, binaries };
}

/** Line/column of an offset the way src/syntax counts them: lines by LF, a leading BOM is not a column. */
function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = offset - lineStart + 1;
  if (line === 1 && text.charCodeAt(0) === 0xfeff) column = Math.max(1, column - 1);
  return { line, column };
}

function spanProblem(text: string, span: Span): string | null {
  if (!(span.offset >= 0 && span.offset <= span.endOffset && span.endOffset <= text.length)) return `offsets ${span.offset}..${span.endOffset} outside 0..${text.length}`;
  const start = position(text, span.offset);
  const end = position(text, span.endOffset);
  if (start.line !== span.line || start.column !== span.column) return `start ${span.line}:${span.column}, offset ${span.offset} is ${start.line}:${start.column}`;
  if (end.line !== span.endLine || end.column !== span.endColumn) return `end ${span.endLine}:${span.endColumn}, offset ${span.endOffset} is ${end.line}:${end.column}`;
  return null;
}

const show = (ds: readonly Diagnostic[]): string => ds.map((d) => `${d.span.line}:${d.span.column} ${d.severity} ${d.code} ${d.message}`).join('\n');

const present = existsSync(CORPUS);
if (!present) console.warn(`corpus test skipped: ${CORPUS} does not exist (set APX_CORPUS to the shared corpus)`);
const { texts, binaries } = present ? readCorpus() : { texts: [], binaries: [] };

describe.skipIf(!present)(`corpus ${CORPUS}: ${texts.length} text files (${binaries.length} binary files skipped: NUL bytes)`, () => {
  it('has files to test', () => {
    expect(texts.length).toBeGreaterThan(0);
  });

  it('lists only expected-error files that exist', () => {
    const rels = new Set(texts.map((f) => f.rel));
    expect(Object.keys(EXPECTED_ERRORS).filter((rel) => !rels.has(rel))).toEqual([]);
  });

  it.each(texts)('$rel', ({ rel, text }) => {
    let result: ReturnType<typeof parse> | undefined;
    expect(() => (result = parse(text, rel))).not.toThrow();
    const { ast, diagnostics } = result!;

    // Lossless: the printer gives back the exact bytes (compared as strings, so a mismatch shows a diff).
    expect(print(ast)).toBe(text);

    for (const d of diagnostics) {
      expect(d.span.file).toBe(rel);
      expect(spanProblem(text, d.span), `${d.code} at ${d.span.line}:${d.span.column}`).toBeNull();
      for (const r of d.related ?? []) expect(spanProblem(text, r.span), `${d.code} related "${r.message}"`).toBeNull();
    }

    const errors = diagnostics.filter((d) => d.severity === 'error');
    const expected = EXPECTED_ERRORS[rel];
    if (expected === undefined) {
      // Real Apache accepts this file (apache2 -t); the differential suite re-checks it where it can.
      expect(errors, `unexpected errors:\n${show(errors)}`).toEqual([]);
    } else {
      expect(errors.map((d) => ({ code: d.code, line: d.span.line })), expected.reason).toEqual(expected.errors);
    }
  });
});
