import { describe, expect, it } from 'vitest';
import { lint, RULES } from '../../src/lint/index.js';
import { parseDisableComment } from '../../src/lint/disable.js';
import { defineRule } from '../../src/lint/rules/define.js';
import { codes, lintText, loadText } from './helpers.js';

const TWO = 'ProxyPass /app http://b/app retries=3\n';

describe('lint engine', () => {
  it('runs every rule and includes the syntax diagnostics from load', () => {
    const r = lintText('<VirtualHost *:80>\n  ProxyPas / http://b/\n');
    expect(codes(r)).toContain('syntax/unclosed-section');
    expect(codes(r)).toContain('unknown-directive');
    expect(r.errorCount).toBe(r.diagnostics.filter((d) => d.severity === 'error').length);
  });

  it('sorts by position and counts errors and warnings', () => {
    const r = lintText(TWO);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['proxy-pass-reverse-missing', 'warning'],
      ['proxy-param-invalid', 'error'],
    ]);
    expect([r.errorCount, r.warningCount]).toEqual([1, 1]);
  });

  it.each([
    [{ 'proxy-param-invalid': 'off' as const }, [['proxy-pass-reverse-missing', 'warning']]],
    [{ 'proxy-param-invalid': 'warn' as const }, [['proxy-pass-reverse-missing', 'warning'], ['proxy-param-invalid', 'warning']]],
    [{ 'proxy-pass-reverse-missing': 'error' as const }, [['proxy-pass-reverse-missing', 'error'], ['proxy-param-invalid', 'error']]],
  ])('--rule overrides %j', (rules, expected) => {
    expect(lintText(TWO, { rules }).diagnostics.map((d) => [d.code, d.severity])).toEqual(expected);
  });

  it('overrides load codes too', () => {
    const r = lintText('\uFEFFServerName x\n', { rules: { 'syntax/bom': 'off' } });
    expect(codes(r)).not.toContain('syntax/bom');
    expect(codes(lintText('\uFEFFServerName x\n'))).toContain('syntax/bom');
  });

  it.each([
    ['the named rule', '# apx-disable-next-line proxy-param-invalid\n' + TWO, ['proxy-pass-reverse-missing']],
    ['two rules, comma-separated', '# apx-disable-next-line proxy-param-invalid, proxy-pass-reverse-missing\n' + TWO, []],
    ['every rule when none is named', '  #apx-disable-next-line\n' + TWO, []],
    ['with a reason after --', '# apx-disable-next-line proxy-param-invalid -- Apache 2.6 knows it\n' + TWO, ['proxy-pass-reverse-missing']],
    ['only the next line', '# apx-disable-next-line proxy-param-invalid\n\n' + TWO, ['proxy-pass-reverse-missing', 'proxy-param-invalid']],
    ['inside a section', '<VirtualHost *:80>\n  # apx-disable-next-line proxy-pass-reverse-missing\n  ' + TWO + '</VirtualHost>\n', ['proxy-param-invalid']],
  ])('# apx-disable-next-line: %s', (_name, text, expected) => {
    expect(codes(lintText(text))).toEqual(expected);
  });

  it('parses disable comments', () => {
    expect(parseDisableComment('# apx-disable-next-line a,b c')).toEqual(new Set(['a', 'b', 'c']));
    expect(parseDisableComment('# apx-disable-next-line')).toEqual(new Set(['*']));
    expect(parseDisableComment('# apx-disable-next-lines a')).toBeNull();
    expect(parseDisableComment('# a comment')).toBeNull();
  });

  it('turns a crashing rule into one diagnostic instead of throwing', () => {
    const boom = defineRule({ id: 'boom', description: 'throws', severity: 'error' }, () => {
      throw new Error('kaput');
    });
    const r = lint(loadText('ServerName x\n'), { ruleSet: [boom] });
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['lint/internal-error', expect.stringContaining('kaput')]]);
  });

  it('every rule has kebab-case id, a description, a severity and a docs page path', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.meta.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(r.meta.docs).toBe(`docs/rules/${r.meta.id}.md`);
      expect(['error', 'warning']).toContain(r.meta.severity);
      expect(r.meta.description.length).toBeGreaterThan(10);
    }
  });

  it('a clean reverse proxy has no problems', () => {
    const text = '<VirtualHost *:80>\n  ServerName a.example\n  ProxyPreserveHost On\n  ProxyPass /api/ http://127.0.0.1:8080/api/\n  ProxyPassReverse /api/ http://127.0.0.1:8080/api/\n  ProxyPass / balancer://web/\n  ProxyPassReverse / balancer://web/\n  <Proxy balancer://web>\n    BalancerMember http://127.0.0.1:8081\n    BalancerMember http://127.0.0.1:8082\n  </Proxy>\n</VirtualHost>\n';
    expect(lintText(text).diagnostics).toEqual([]);
  });
});
