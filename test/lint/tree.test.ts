/** The lint run's one pass over the tree (src/lint/tree.ts): reading order, name groups, and what a frame answers. */
import { describe, expect, it } from 'vitest';
import { innermostOf, placementOf, proxySectionOf, readTree, virtualHostOf } from '../../src/lint/tree.js';
import type { WalkContext } from '../../src/config/walk.js';
import { loadText } from './helpers.js';

const CONFIG = [
  'ProxyPass /a http://a/',
  '<VirtualHost *:80>',
  '  <IfModule mod_proxy.c>',
  '    proxypass /b http://b/',
  '    <Proxy balancer://c>',
  '      <RequireAll>',
  '        BalancerMember http://c1/',
  '      </RequireAll>',
  '    </Proxy>',
  '  </IfModule>',
  '  ProxyPass /d http://d/',
  '</VirtualHost>',
  '<Macro Site $n>',
  '  ProxyPass /macro http://m/',
  '</Macro>',
  '<IfModule mod_nonexistent.c>',
  '  ProxyPass /off http://off/',
  '</IfModule>',
].join('\n');

describe('readTree', () => {
  const tree = readTree(loadText(CONFIG).root);
  const at = (target: string): number => tree.directives.findIndex((d) => d.args[1] === target);

  it('lists active directives in reading order, skipping <Macro> bodies and what a false conditional holds', () => {
    expect(tree.directives.map((d) => d.args[0])).toEqual(['/a', '/b', 'http://c1/', '/d']);
    // The false <IfModule> itself is read (httpd evaluates it); only its content is not.
    expect(tree.sections.map((s) => s.name)).toEqual(['VirtualHost', 'IfModule', 'Proxy', 'RequireAll', 'IfModule']);
  });

  it('groups by spelling and merges spellings back into reading order by key', () => {
    expect(tree.directiveGroups.map((g) => [g.name, g.seqs])).toEqual([
      ['ProxyPass', [0, 3]],
      ['proxypass', [1]],
      ['BalancerMember', [2]],
    ]);
    expect(tree.seqsOf('proxypass')).toEqual([0, 1, 3]);
    expect(tree.seqsOf('nothing')).toEqual([]);
  });

  it.each([
    ['http://a/', 'server', null, null, null],
    ['http://b/', 'VirtualHost', 'VirtualHost', 'VirtualHost', null],
    ['c1', 'Proxy', 'VirtualHost', 'RequireAll', 'Proxy'],
    ['http://d/', 'VirtualHost', 'VirtualHost', 'VirtualHost', null],
  ])('the context of %s: placement %s, vhost %s, innermost %s, <Proxy> %s', (target, placement, vhost, innermost, proxy) => {
    const seq = target === 'c1' ? tree.directives.findIndex((d) => d.args[0] === 'http://c1/') : at(target);
    const ctx = tree.directiveContexts[seq]!;
    expect(placementOf(ctx)).toBe(placement);
    expect(virtualHostOf(ctx)?.name ?? null).toBe(vhost);
    expect(innermostOf(ctx)?.name ?? null).toBe(innermost);
    expect(proxySectionOf(ctx)?.name ?? null).toBe(proxy);
    // A hand-made context (walk()'s shape: arrays only) gets the same answers.
    const plain: WalkContext = { ancestors: [...ctx.ancestors], enclosing: [...ctx.enclosing], file: ctx.file };
    expect([placementOf(plain), virtualHostOf(plain), innermostOf(plain), proxySectionOf(plain)]).toEqual([
      placementOf(ctx),
      virtualHostOf(ctx),
      innermostOf(ctx),
      proxySectionOf(ctx),
    ]);
  });

  it('keeps conditionals among the ancestors but not among the enclosing sections', () => {
    const ctx = tree.directiveContexts[at('http://b/')]!;
    expect(ctx.ancestors.map((s) => s.name)).toEqual(['VirtualHost', 'IfModule']);
    expect(ctx.enclosing.map((s) => s.name)).toEqual(['VirtualHost']);
  });

  it('reads an included file in the context of its Include line', () => {
    const loaded = loadText('<VirtualHost *:80>\n  Include /srv/inc.conf\n</VirtualHost>\n', {
      serverRoot: '/srv',
      file: '/srv/apache2.conf',
      files: { '/srv/inc.conf': 'ProxyPass /i http://i/\n' },
    });
    const t = readTree(loaded.root);
    const seq = t.directives.findIndex((d) => d.args[0] === '/i');
    expect(seq).toBeGreaterThanOrEqual(0);
    const ctx = t.directiveContexts[seq]!;
    expect(ctx.file.path).toBe('/srv/inc.conf');
    expect(virtualHostOf(ctx)?.name).toBe('VirtualHost');
    expect(placementOf(ctx)).toBe('VirtualHost');
  });
});
