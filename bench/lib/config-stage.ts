/** The two stages bench:parse measures: parsing alone, and parsing + resolving with src/config's load(). */
export type Stage = 'parse' | 'resolve';

export const STAGE_LABEL: Record<Stage, string> = { parse: 'parse only', resolve: 'parse + resolve' };
