/**
 * Directive and section names compare case-insensitively everywhere in apx; the one helper lives in
 * src/syntax/names.ts and the registry re-exports it so its callers need not reach into the syntax stage.
 */
export { nameKey, sameName } from '../syntax/names.js';
