/**
 * The directive registry and module knowledge: generated data about every directive and module of Debian's
 * Apache 2.4 (registry, modules), hand-kept detail for what apx interprets (shapes, params, rewrite flags) and
 * which modules a proxy target needs (schemes).
 */
export * from './types.js';
export { nameKey, sameName } from './names.js';
export { APACHE_VERSION } from './data.js';
export {
  lookupDirective,
  lookupSection,
  allDirectives,
  suggestDirective,
  isAllowedIn,
  isAllowedInHtaccess,
  providersOf,
  type SuggestOptions,
} from './registry.js';
export {
  allModules,
  moduleByName,
  normalizeModuleName,
  moduleForIfModule,
  staticModules,
  defaultDebianModules,
  modulesNeededFor,
  a2enmodHint,
} from './modules.js';
export {
  modulesForProxyUrl,
  modulesForBalancer,
  proxyUrlScheme,
  isKnownProxyScheme,
  PROXY_SCHEMES,
  FEATURE_MODULES,
  type ModuleRequirement,
  type ParsedProxyUrl,
  type ProxyUrlOptions,
} from './schemes.js';
export {
  WORKER_PARAMS,
  BALANCER_PARAMS,
  LBMETHOD_MODULES,
  PROXY_PASS_FLAGS,
  workerParam,
  balancerParam,
  validateWorkerParam,
  validateBalancerParam,
  validateProxyPassWord,
  formatParamError,
  type ParamSpec,
  type ParamType,
  type ParamContext,
  type ParamDirective,
} from './params.js';
export { DIRECTIVE_SHAPES, directiveShape, checkArity, parseFlag, type ArgKind, type ArgSpec, type ArgForm, type DirectiveShape } from './shapes.js';
export { REWRITE_RULE_FLAGS, REWRITE_COND_FLAGS, rewriteRuleFlag, rewriteCondFlag, validateRewriteFlags, type RewriteFlag } from './rewrite-flags.js';
