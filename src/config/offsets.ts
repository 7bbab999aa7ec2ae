/**
 * From positions in a logical line (the `\`-newline continuations removed, as ap_cfg_getline joins them) back to
 * offsets in the file, so a warning about `${X}` points at the `${X}` the user wrote.
 */

/**
 * The file offset of each of `joined` (ascending character indexes of the logical line that starts at file
 * offset `base`), in one pass over the text: a line with thousands of `${…}` costs its length, not its length
 * times their number. An index that lands on a continuation is moved past it, onto the character it joins.
 */
export function fileOffsets(text: string, base: number, joined: readonly number[]): number[] {
  const out: number[] = new Array<number>(joined.length);
  let i = base;
  let n = 0;
  for (let k = 0; k < joined.length; k++) {
    const want = joined[k]!;
    while (i < text.length) {
      const c = continuationAt(text, i);
      if (c > 0) {
        i += c;
        continue;
      }
      if (n >= want) break;
      i++;
      n++;
    }
    out[k] = i;
  }
  return out;
}

/** Length of the `\`-newline (2) or `\`-CRLF (3) continuation at `i`, or 0. */
function continuationAt(text: string, i: number): number {
  if (text.charCodeAt(i) !== 0x5c) return 0;
  const next = text.charCodeAt(i + 1);
  if (next === 0x0a) return 2;
  if (next === 0x0d && text.charCodeAt(i + 2) === 0x0a) return 3;
  return 0;
}
