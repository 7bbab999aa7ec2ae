import { describe, expect, it } from 'vitest';
import { rewriteCondFlag, rewriteRuleFlag, validateRewriteFlags } from '../../src/directives/rewrite-flags.js';
import { apacheSays, haveApache, noApacheReason } from './apache-says.js';

// Messages as Apache 2.4.71 prints them for `RewriteRule ^ - <flags>` / `RewriteCond a b <flags>`.
const RULE_ROWS: [string, string | null][] = [
  ['[L]', null],
  ['[l]', null],
  ['[Last]', null],
  ['[L,R=301,QSA]', null],
  ['[P,NE,END,B,BNP,BCTLS,BNE=x,UnsafeAllow3F,UnsafePrefixStat,DPI,QSD,QSL,NS,NC,PT,S=1,C,N,H=x,T=x,E=a:b,CO=a:b:c,G,F]', null],
  ['[chain,cookie=a:b:c,discardpath,env=a,forbidden,gone,handler=x,last,next,nocase,noescape,nosubreq,proxy,passthrough,qsappend,qsdiscard,qslast,redirect,skip=1,type=x,end]', null],
  ['[R=permanent]', null],
  ['[R=404]', null],
  ['[R=999]', "RewriteRule: invalid HTTP response code '999' for flag 'R'"],
  ['[R=418]', "RewriteRule: invalid HTTP response code '418' for flag 'R'"],
  ['[FOO]', "RewriteRule: unknown flag 'FOO'"],
  ['[L,FOO=1]', "RewriteRule: unknown flag 'FOO'"],
  ['[backrefnoplus]', "RewriteRule: unknown flag 'backrefnoplus'"],
  ['[F,]', "RewriteRule: unknown flag ''"],
  ['[]', "RewriteRule: unknown flag ''"],
  ['L', 'RewriteRule: bad flag delimiters'],
];

const COND_ROWS: [string, string | null][] = [
  ['[NC,OR,NV]', null],
  ['[nocase,ornext,novary]', null],
  ['[XX]', "RewriteCond: unknown flag 'XX'"],
  ['NC', 'RewriteCond: bad flag delimiters'],
];

describe('validateRewriteFlags', () => {
  it.each(RULE_ROWS)('RewriteRule %s → %s', (flags, expected) => {
    expect(validateRewriteFlags('RewriteRule', flags)).toBe(expected);
  });
  it.each(COND_ROWS)('RewriteCond %s → %s', (flags, expected) => {
    expect(validateRewriteFlags('RewriteCond', flags)).toBe(expected);
  });
  it('looks flags up by short or long name', () => {
    expect(rewriteRuleFlag('qsappend')?.short).toBe('QSA');
    expect(rewriteRuleFlag('p')?.short).toBe('P');
    expect(rewriteCondFlag('ornext')?.short).toBe('OR');
    expect(rewriteCondFlag('L')).toBeUndefined();
  });
});

describe.skipIf(!haveApache)(`rewrite flags on real Apache${haveApache ? '' : ` (skipped: ${noApacheReason})`}`, () => {
  it.each(RULE_ROWS)('RewriteRule ^ - %s', async (flags, expected) => {
    expect(await apacheSays(`RewriteRule ^ - ${flags}`)).toBe(expected);
  });
  it.each(COND_ROWS)('RewriteCond a b %s', async (flags, expected) => {
    expect(await apacheSays(`RewriteCond a b ${flags}\nRewriteRule ^ -`)).toBe(expected);
  });
});
