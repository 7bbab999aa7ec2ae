/**
 * apx's library API: the same functions the CLI is built on.
 *
 *   import { parse, print } from 'apx';
 *   const { ast, diagnostics } = parse(text, '000-default.conf');
 */
export type { Diagnostic, Severity, Span, RelatedLocation } from './diagnostic.js';
export { compareDiagnostics, formatLocation, isError } from './diagnostic.js';
export type * from './syntax/ast.js';
export { parse, type ParseResult } from './syntax/parse.js';
export { print } from './syntax/print.js';
export { toAstJson, fromAstJson, writeAstText, stringifyJson, writeJson, parseJson, checkAstJson, readAstJson, type JsonAst, type JsonNode, type JsonProblem, type JsonParseResult, type AstJsonResult } from './syntax/json.js';
export { sameName, nameKey } from './syntax/names.js';
export type * from './model/types.js';
export type * from './config/types.js';
export { load, nodeFs, memoryFs, walk, directives, sections, type MemoryFsOptions, type WalkContext, type WalkOptions, type Visitor, type DirectiveVisit } from './config/index.js';
export { compile, validateModel, readModelJson, readModelValue, redactSecrets, completeModel, MODEL_SCHEMA_ID, type CompileResult, type ModelValidation, type ModelJsonResult, type SchemaError } from './model/index.js';
export { MODEL_FORMAT, MODEL_VERSION } from './model/types.js';
export { buildConfig } from './build/index.js';
export { traverse } from './syntax/traverse.js';
export { startProxy, ListenError, StartupError, registerLbMethod, lbMethodNames, type ReloadableProxy, type ServeOptions, type ListenOverride, type RunningProxy, type BoundAddress, type LbMethod } from './runtime/index.js';
export { lint, RULES, ruleById, FORMATTERS, formatterNames, shouldColor, sourcesOf, INTERNAL_ERROR_CODE, type LintOptions, type LintResult, type RuleSetting, type Rule, type RuleMeta, type RuleContext, type RuleSeverity, type Problem, type FormatterName, type FormatOptions } from './lint/index.js';
export { prepare, type PrepareOptions, type PrepareResult } from './pipeline/prepare.js';
export { serve, PrepareError } from './pipeline/serve.js';
export { modulesTheFileNeeds } from './config/assume.js';
