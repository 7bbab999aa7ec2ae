/**
 * src/config: files → one resolved tree, the way httpd reads them (see ./load.ts for the two modes and
 * docs/config.md for what apx assumes and where it differs from httpd).
 */
export * from './types.js';
export { walk, directives, sections, type WalkContext, type WalkOptions, type Visitor, type DirectiveVisit } from './walk.js';
export { load, DEBIAN_SERVER_ROOT } from './load.js';
export { nodeFs, memoryFs, type MemoryFsOptions } from './fs.js';
export { DEBIAN_ENVVARS, parseEnvvars } from './env.js';
export { expandVars, type Expansion, type UndefinedVar } from './expand.js';
export { matchInclude, fnmatch, hasWildcard, type GlobResult, type GlobError } from './glob.js';
export { evaluateIfVersion, serverVersion, type Version, type IfVersionResult } from './version.js';
export { detectTree, rootFileIn, type TreeRoot } from './tree.js';
