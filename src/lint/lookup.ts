/**
 * Registry lookups memoised by the name as written: a large config repeats a handful of spellings hundreds of
 * thousands of times, and each uncached lookup lower-cases the name again.
 */
import type { ResolvedDirective, ResolvedSection } from '../config/types.js';
import { argsHoldDollar, wordCount } from '../syntax/lazy.js';
import { directiveShape, lookupDirective, type DirectiveInfo, type DirectiveShape } from '../directives/index.js';

const infos = new Map<string, DirectiveInfo | null>();
const shapes = new Map<string, DirectiveShape | null>();

/** lookupDirective() for a directive (`section` false) or a section name written without `<`. */
export function directiveInfo(name: string, section: boolean): DirectiveInfo | undefined {
  const key = section ? `<${name}>` : name;
  let hit = infos.get(key);
  if (hit === undefined) infos.set(key, (hit = lookupDirective(key) ?? null));
  return hit ?? undefined;
}

export function shapeOf(name: string, section: boolean): DirectiveShape | undefined {
  const key = section ? `<${name}>` : name;
  let hit = shapes.get(key);
  if (hit === undefined) shapes.set(key, (hit = directiveShape(name, section) ?? null));
  return hit ?? undefined;
}

/**
 * `node.args.length` without building the words array (nor the syntax node's Arg objects). httpd substitutes `${VAR}` on the whole line before it
 * splits it into words (server/util.c), so the resolved words differ from the written ones only on a line with
 * `${` in it (src/config re-splits exactly those); on every other line the written words are the words.
 */
export function argCount(node: ResolvedDirective | ResolvedSection): number {
  const s = node.syntax;
  return (argsHoldDollar(s) && s.argsText.includes('${')) || s.name.includes('${') ? node.args.length : wordCount(s);
}
