import type { LintResult } from '../engine.js';

export interface FormatOptions {
  /** File name → text, for code frames; a file without text is shown without a frame. */
  readonly sources?: ReadonlyMap<string, string>;
  /** ANSI colours (stylish only). */
  readonly color?: boolean;
  /** What the answer assumes, shown under the problems (stylish) or as run properties (sarif). */
  readonly assumptions?: readonly string[];
  /** Printed paths are made relative to this directory when they lie below it. */
  readonly cwd?: string;
  /** apx's version, for SARIF's tool.driver. */
  readonly version?: string;
}

export type Formatter = (result: LintResult, options: FormatOptions) => string;
