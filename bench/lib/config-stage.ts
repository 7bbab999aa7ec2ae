/**
 * src/config's load(), when this checkout has a working one. It is written in parallel with the parser and may
 * be missing or a placeholder that throws, so it is found at run time and tried once on an empty file.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Stage = 'parse' | 'resolve';

export const STAGE_LABEL: Record<Stage, string> = { parse: 'parse only', resolve: 'parse + resolve' };

export type Load = (entry: { file: string; text?: string }, options?: { noTreeDetection?: boolean }) => unknown;

export async function configLoad(): Promise<{ load: Load | null; why: string }> {
  const url = new URL('../../src/config/index.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return { load: null, why: 'src/config is not in this build' };
  const mod = (await import(url.href)) as { load?: unknown };
  if (typeof mod.load !== 'function') return { load: null, why: 'src/config exports no load()' };
  const load = mod.load as Load;
  try {
    await load({ file: 'probe.conf', text: '' }, { noTreeDetection: true });
  } catch (e) {
    return { load: null, why: `src/config load() does not work yet (${e instanceof Error ? e.message : String(e)})` };
  }
  return { load, why: '' };
}
