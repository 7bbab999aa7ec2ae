import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEBIAN_ENVVARS, parseEnvvars } from '../../src/config/index.js';
import { CORPUS } from './helpers.js';

describe('envvars', () => {
  it("Debian's own envvars gives exactly the built-in defaults", () => {
    const parsed = parseEnvvars(readFileSync(join(CORPUS, 'debian-apache2', 'envvars'), 'utf8'));
    expect(new Map([...parsed].filter(([k]) => k.startsWith('APACHE_') || k === 'LANG'))).toEqual(DEBIAN_ENVVARS);
  });
  it.each([
    ['export A=1', { A: '1' }],
    ['B=2\nexport A=$B/x', { A: '2/x' }],
    ['export A="a b" # c', { A: 'a b' }],
    ["export A='$B'", { A: '$B' }],
    ['A=1\nexport A', { A: '1' }],
    ['if [ x ]; then\n export A=in\nfi\nexport B=${A}out', { B: 'out' }],
    ['#export A=1\nunset HOME', {}],
    ['export A=${UNSET}z', { A: 'z' }],
  ])('%j', (text, want) => {
    expect(Object.fromEntries(parseEnvvars(text))).toEqual(want);
  });
});
