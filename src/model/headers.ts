/**
 * `Header` and `RequestHeader` read as mod_headers.c header_cmd()/header_inout_cmd() reads them:
 * `Header [always|onsuccess] action name [value] [replacement] [early|env=[!]var|expr=…]`; `unset` and `echo` take
 * no value, `edit`/`edit*` take a regex and a replacement; RequestHeader has no condition and no `echo`.
 */
import { nameKey } from '../syntax/names.js';
import type { HeaderOp, SourceSpan } from './types.js';

const ACTIONS: readonly HeaderOp['action'][] = ['set', 'append', 'add', 'unset', 'merge', 'setifempty', 'echo', 'edit', 'edit*', 'note'];

export type HeaderResult = { ok: true; op: HeaderOp } | { ok: false; message: string };

export function parseHeaderOp(directive: 'Header' | 'RequestHeader', args: readonly string[], span: SourceSpan | null): HeaderResult {
  const words = [...args];
  let condition: HeaderOp['condition'] = null;
  if (directive === 'Header' && words.length > 0 && /^(always|onsuccess)$/i.test(words[0]!)) {
    condition = nameKey(words.shift()!) as 'always' | 'onsuccess';
  } else if (directive === 'Header') {
    condition = 'onsuccess';
  }
  const actionWord = words.shift();
  const action = ACTIONS.find((a) => actionWord !== undefined && nameKey(a) === nameKey(actionWord));
  if (!action) return { ok: false, message: `${directive} action must be one of ${ACTIONS.join(', ')}, not "${actionWord ?? ''}"` };
  if (directive === 'RequestHeader' && (action === 'echo' || action === 'note')) return { ok: false, message: `RequestHeader does not support ${action}` };
  const header = words.shift();
  if (header === undefined) return { ok: false, message: `${directive} ${action} needs a header name` };
  let value: string | null = null;
  let replacement: string | null = null;
  if (action !== 'unset' && action !== 'echo') {
    value = words.shift() ?? null;
    if (value === null) return { ok: false, message: `${directive} ${action} ${header} needs a value` };
    if (action === 'edit' || action === 'edit*') {
      replacement = words.shift() ?? null;
      if (replacement === null) return { ok: false, message: `${directive} ${action} needs a regular expression and a replacement` };
    }
  }
  if (words.length > 1) return { ok: false, message: `${directive} has too many arguments` };
  const when = words[0] ?? null;
  if (when !== null && !/^(early$|env=|expr=)/i.test(when)) return { ok: false, message: `${directive}: "${when}" must be early, env=… or expr=…` };
  return { ok: true, op: { action, condition, header, value, replacement, when, span } };
}
