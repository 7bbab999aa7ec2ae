/**
 * src/lint: an engine and a folder of rules, one rule per file, in ESLint's shape (meta + check); formatters
 * live apart from the rules. `lint(loaded)` returns every problem of one resolved config, syntax and config
 * diagnostics from the load included.
 */
export { lint, INTERNAL_ERROR_CODE, type LintOptions, type LintResult, type RuleSetting } from './engine.js';
export { RULES, ruleById } from './rules/index.js';
export type { Rule, RuleMeta, RuleContext, RuleSeverity, Problem } from './types.js';
export { FORMATTERS, formatterNames, shouldColor, type FormatterName, type FormatOptions } from './formatters/index.js';
export { sourcesOf } from './sources.js';
