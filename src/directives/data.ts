/**
 * The generated registry data, typed. Imported as JSON modules so tsc copies the files next to the compiled
 * code (dist/src/directives/data/) and the same import works from src/ under vitest and from dist/ under node.
 * Regenerate with scripts/gen-directives.ts; never edit the JSON by hand.
 */
import directivesJson from './data/directives.json' with { type: 'json' };
import modulesJson from './data/modules.json' with { type: 'json' };
import type { DirectivesData, ModulesData } from './types.js';

// The JSON's inferred types are wider (string where the data has a union); the generator writes these shapes.
export const directivesData: DirectivesData = directivesJson as DirectivesData;
export const modulesData: ModulesData = modulesJson as ModulesData;

/** The server the data was generated from, e.g. `Apache/2.4.71 (Debian)`. */
export const APACHE_VERSION: string = directivesData.apacheVersion;
