import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/lint/index.js';
import { problemsOf, type LintTextOptions } from './helpers.js';

const root = new URL('../../', import.meta.url);

describe('docs/rules', () => {
  it.each(RULES.map((r) => [r.meta.id, r] as const))('%s has a page with what, why, bad and good examples, and how Apache behaves', (_id, rule) => {
    const path = new URL(rule.meta.docs, root);
    expect(existsSync(path)).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(new RegExp(`^# ${rule.meta.id}\\b`));
    for (const heading of ['## Why', '## Bad', '## Good', '## How Apache behaves']) expect(text).toContain(heading);
    expect(text).toContain('```apache');
  });

  it('the index lists every rule', () => {
    const index = readFileSync(new URL('docs/rules/README.md', root), 'utf8');
    for (const r of RULES) expect(index).toContain(`(${r.meta.id}.md)`);
  });
});

/** The first ```apache block after a heading. */
function example(text: string, heading: string): string {
  const after = text.slice(text.indexOf(heading));
  const m = /```apache\n([\s\S]*?)```/.exec(after);
  return m ? m[1]! : '';
}

/** A `# modules: a b c` line sets --modules; "default Debian install" reads it as a lone file with Debian's defaults. */
function optionsFor(block: string): LintTextOptions {
  const m = /^# modules: ([^(\n]+)/m.exec(block);
  if (m) return { modules: m[1]!.trim().split(/\s+/) };
  return /default Debian install/.test(block) ? { modules: 'debian-default' } : {};
}

// vhost-port-not-listened only runs on a whole server tree; its examples name ports.conf in comments.
const TREE_ONLY = new Set(['vhost-port-not-listened']);

describe('docs/rules examples', () => {
  it.each(RULES.filter((r) => !TREE_ONLY.has(r.meta.id)).map((r) => [r.meta.id, r] as const))('%s: the Bad example fires it, the Good one does not', (id, rule) => {
    const text = readFileSync(new URL(rule.meta.docs, root), 'utf8');
    const bad = example(text, '## Bad');
    const good = example(text, '## Good');
    expect(problemsOf(bad, id, optionsFor(bad)).length).toBeGreaterThan(0);
    expect(problemsOf(good, id, optionsFor(good)).map((d) => d.message)).toEqual([]);
  });
});
