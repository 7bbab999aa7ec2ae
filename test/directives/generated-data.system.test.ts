/**
 * The committed registry data is exactly what scripts/gen-directives.ts makes from the installed Apache. Needs
 * apache2 and the Debian corpus copy; CI installs apache2. When this fails after an Apache upgrade, regenerate
 * (the command is in the data files' `regenerate` field) and review the diff.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCorpus, generate, repoRoot } from '../../scripts/gen-directives.js';
import { apacheBinary } from '../support/apache.js';

const root = repoRoot();
const corpus = defaultCorpus(root);
const bin = apacheBinary();
const skipReason =
  bin === null
    ? 'apache2 is not on PATH (apt-get install apache2; CI installs it)'
    : !existsSync(join(corpus, 'mods-enabled'))
      ? `no Debian corpus at ${corpus}`
      : '';

describe.skipIf(skipReason !== '')(`committed directive data${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('is what the generator produces on this Apache, byte for byte', { timeout: 300_000 }, async () => {
    const g = await generate({ corpus, apache: bin! });
    const dir = join(root, 'src', 'directives', 'data');
    expect(g.directivesJson).toBe(readFileSync(join(dir, 'directives.json'), 'utf8'));
    expect(g.modulesJson).toBe(readFileSync(join(dir, 'modules.json'), 'utf8'));
  });
});
