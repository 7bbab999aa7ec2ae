/**
 * What real Apache says about a config snippet: `apache2 -t` on a private ServerRoot (test/support/apache.ts),
 * reduced to the error message itself, or null for "Syntax OK". For the differential tables in this folder.
 */
import { apacheAvailable, apacheSkipReason, configTest, createServerRoot } from '../support/apache.js';

export const haveApache = apacheAvailable();
export const noApacheReason = apacheSkipReason();

export async function apacheSays(config: string, modules: 'all' | readonly string[] = 'all'): Promise<string | null> {
  const root = await createServerRoot({ modules, config: config + '\n' });
  try {
    const run = await configTest(root);
    if (run.ok) return null;
    const lines = run.output.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^\[.*\] \[.*:(warn|notice)\]/.test(l));
    const last = lines[lines.length - 1] ?? '';
    // "apache2: Syntax error on line 7 of /x.conf: <message>" (errors while reading) or the message alone on the
    // line after "AH00526: Syntax error on line 7 of /x.conf:".
    return last.replace(/^.*?Syntax error on line \d+ of [^:]+: /, '');
  } finally {
    await root.dispose();
  }
}
