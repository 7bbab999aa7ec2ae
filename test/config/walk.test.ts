import { describe, expect, it } from 'vitest';
import { directives, load, memoryFs, sections } from '../../src/config/index.js';

const text = [
  '<VirtualHost *:80>',
  '  <IfModule version_module>',
  '    Include /t/in.conf',
  '  </IfModule>',
  '  <IfModule nope_module>',
  '    Hidden',
  '  </IfModule>',
  '</VirtualHost>',
  'Top',
  '',
].join('\n');
const r = load({ file: '/t/x.conf', text }, { fs: memoryFs({ '/t/in.conf': '<Location />\nInner\n</Location>\n' }), noTreeDetection: true });

describe('walk over a resolved tree', () => {
  it('splices included files in place; conditionals are ancestors but not enclosing', () => {
    const seen = directives(r.root).map(({ directive, ctx }) => ({
      d: directive.name,
      ancestors: ctx.ancestors.map((s) => s.name),
      enclosing: ctx.enclosing.map((s) => s.name),
      file: ctx.file.path,
    }));
    expect(seen).toEqual([
      { d: 'Inner', ancestors: ['VirtualHost', 'IfModule', 'Location'], enclosing: ['VirtualHost', 'Location'], file: '/t/in.conf' },
      { d: 'Top', ancestors: [], enclosing: [], file: '/t/x.conf' },
    ]);
  });

  it('includeInactive also visits what a false condition turned off', () => {
    expect(directives(r.root, { includeInactive: true }).map((v) => v.directive.name)).toEqual(['Inner', 'Hidden', 'Top']);
  });

  it('a spread context keeps its section lists', () => {
    const v = directives(r.root)[0]!;
    expect({ ...v.ctx }.enclosing.map((s) => s.name)).toEqual(['VirtualHost', 'Location']);
  });

  it('sections in reading order', () => {
    expect(sections(r.root).map((s) => `${s.section.name}:${s.section.condition?.value ?? '-'}`)).toEqual(['VirtualHost:-', 'IfModule:true', 'Location:-', 'IfModule:false']);
  });
});
