/**
 * `--format sarif`: SARIF 2.1.0 (OASIS), the format GitHub code scanning and other tools ingest. One run; the
 * tool's rules are apx's rules (id, description, help URI, default level); each result points at the file and
 * region, with the hint as a fix description. Load codes (`syntax/…`, `config/…`) get a rule entry of their own.
 */
import { RULES } from '../rules/index.js';
import { displayPath } from './paths.js';
import type { Formatter } from './types.js';

const HELP_BASE = 'https://github.com/apx-project/apx/blob/main/';

type Level = 'error' | 'warning' | 'note';
const level = (s: string): Level => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note');

export const sarif: Formatter = (result, options) => {
  const rules = RULES.map((r) => ({
    id: r.meta.id,
    name: r.meta.id.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: r.meta.description },
    helpUri: HELP_BASE + r.meta.docs,
    defaultConfiguration: { level: level(r.meta.severity) },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  for (const d of result.diagnostics) {
    if (index.has(d.code)) continue;
    index.set(d.code, rules.length);
    rules.push({ id: d.code, name: d.code, shortDescription: { text: `${d.code.split('/')[0]} problem reported while reading the config` }, helpUri: HELP_BASE + 'docs/rules/README.md', defaultConfiguration: { level: level(d.severity) } });
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'apx', informationUri: HELP_BASE + 'README.md', ...(options.version ? { version: options.version } : {}), rules } },
        ...(options.assumptions && options.assumptions.length > 0 ? { properties: { assumptions: options.assumptions } } : {}),
        results: result.diagnostics.map((d) => ({
          ruleId: d.code,
          ruleIndex: index.get(d.code)!,
          level: level(d.severity),
          message: { text: d.hint !== undefined ? `${d.message}\nfix: ${d.hint}` : d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(displayPath(d.span.file, options.cwd)) },
                region: { startLine: d.span.line, startColumn: d.span.column, endLine: d.span.endLine, endColumn: d.span.endColumn },
              },
            },
          ],
          ...(d.related && d.related.length > 0
            ? {
                relatedLocations: d.related.map((r, i) => ({
                  id: i,
                  message: { text: r.message },
                  physicalLocation: { artifactLocation: { uri: encodeURI(displayPath(r.span.file, options.cwd)) }, region: { startLine: r.span.line, startColumn: r.span.column } },
                })),
              }
            : {}),
          ...(d.hint !== undefined ? { fixes: [{ description: { text: d.hint }, artifactChanges: [] }] } : {}),
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
};
