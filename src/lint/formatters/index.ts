/** The output formats of `apx lint --format`. */
import { github } from './github.js';
import { json } from './json.js';
import { sarif } from './sarif.js';
import { stylish } from './stylish.js';
import type { Formatter } from './types.js';

export type { Formatter, FormatOptions } from './types.js';
export { shouldColor } from './color.js';

export const FORMATTERS = { stylish, json, sarif, github } as const satisfies Record<string, Formatter>;
export type FormatterName = keyof typeof FORMATTERS;
export const formatterNames = Object.keys(FORMATTERS) as FormatterName[];
