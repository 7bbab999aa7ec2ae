/**
 * One row per fact of httpd's reader (server/util.c ap_cfg_getline + ap_getword_conf, server/config.c
 * ap_build_config_sub). Rows marked "apache2 -t" were checked against real Apache 2.4.71; the
 * differential suite (test/differential/parse.test.ts) re-checks them against the installed apache2.
 */
import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';
import { print } from '../../src/syntax/print.js';
import { traverse } from '../../src/syntax/traverse.js';

/**
 * A compact view of a tree: `Name(arg,arg)`, sections as `<Name(args)>[children]`, comments `#`, blanks `_`.
 * Built without recursion (src/syntax/traverse.ts), so the deep-nesting row checks the whole tree.
 */
function shape(nodes: readonly Node[]): string[] {
  const lists: string[][] = [[]];
  const one = (n: Node): string => {
    switch (n.kind) {
      case 'directive':
        return `${n.name}(${n.args.map((a) => a.value).join(',')})`;
      case 'section':
        return `<${n.name}(${n.args.map((a) => a.value).join(',')})>[`;
      case 'comment':
        return '#';
      case 'blank':
        return '_';
      case 'stray-close':
        return `</${n.name}>`;
    }
  };
  traverse(nodes, {
    enter: (n, depth) => {
      lists[depth]!.push(one(n));
      if (n.kind === 'section') lists[depth + 1] = [];
    },
    leave: (_s, depth) => {
      const kids = lists[depth + 1]!;
      const at = lists[depth]!;
      at[at.length - 1] += `${kids.join(' ')}]`;
    },
  });
  return lists[0]!;
}

function run(text: string) {
  const r = parse(text, 't.conf');
  return { shape: shape(r.ast.children), codes: r.diagnostics.map((d) => d.code), r };
}

const facts: { fact: string; text: string; shape: string[]; codes?: string[] }[] = [
  { fact: 'one directive per line, arguments split on blanks', text: 'ProxyPass /app http://b/\n', shape: ['ProxyPass(/app,http://b/)'] },
  { fact: 'names keep their case', text: 'proxypass / http://b/\n', shape: ['proxypass(/,http://b/)'] },
  { fact: 'tabs and several blanks separate words', text: 'ProxyPass\t /a \t\thttp://b/\n', shape: ['ProxyPass(/a,http://b/)'] },
  { fact: 'backslash-newline joins lines with nothing between (apache2 -t)', text: 'ServerName a\\\nb\n', shape: ['ServerName(ab)'] },
  { fact: 'continuation inside a directive name (apache2 -t)', text: 'Server\\\nName x\n', shape: ['ServerName(x)'] },
  { fact: 'continuation after a blank keeps words apart', text: 'ProxyPass /a \\\n   http://b/\n', shape: ['ProxyPass(/a,http://b/)'] },
  { fact: 'a backslash after another backslash still continues (apache2 -t)', text: 'ServerName a\\\\\nb\n', shape: ['ServerName(a\\b)'] },
  { fact: 'backslash followed by blanks is not a continuation (apache2 -t)', text: 'ServerName a \\  \nServerAdmin b\n', shape: ['ServerName(a,\\)', 'ServerAdmin(b)'] },
  { fact: 'CRLF continuation', text: 'ServerName x\\\r\ny\r\n', shape: ['ServerName(xy)'] },
  { fact: 'a commented line ending in \\ swallows the next line (apache2 -t)', text: '# note \\\nServerName x y\nListen 80\n', shape: ['#', 'Listen(80)'] },
  { fact: '# after blanks at line start is a comment', text: '  \t# c\n\t\tListen 80\n', shape: ['#', 'Listen(80)'] },
  { fact: '# later in a line is an ordinary argument', text: 'Header set X # y\n', shape: ['Header(set,X,#,y)'] },
  { fact: '# after a continuation is mid-line, not a comment', text: 'Header set \\\n# y\n', shape: ['Header(set,#,y)'] },
  { fact: 'double-quoted argument keeps blanks', text: 'Header set X "a b"\n', shape: ['Header(set,X,a b)'] },
  { fact: 'single-quoted argument', text: "Header set X 'a b'\n", shape: ['Header(set,X,a b)'] },
  { fact: 'escaped quote inside quotes (apache2 -t)', text: 'ServerName "x\\"y"\n', shape: ['ServerName(x"y)'] },
  { fact: 'escaped backslash inside quotes', text: 'Header set X "a\\\\b"\n', shape: ['Header(set,X,a\\b)'] },
  { fact: 'other backslashes inside quotes stay', text: 'RewriteRule "^/a\\.b$" x\n', shape: ['RewriteRule(^/a\\.b$,x)'] },
  { fact: 'double backslash in a bare word is one backslash', text: 'X a\\\\b\n', shape: ['X(a\\b)'] },
  { fact: 'two quoted arguments need no blank between them (apache2 -t)', text: 'ServerName "a""b"\n', shape: ['ServerName(a,b)'] },
  { fact: 'a quote inside a word does not open a string', text: 'X a"b c"\n', shape: ['X(a"b,c")'] },
  { fact: 'quoted directive name', text: '"ServerName" x\n', shape: ['ServerName(x)'] },
  { fact: 'unterminated quote runs to the end of the line (apache2 -t: accepted)', text: 'ServerName "a b  \nListen 80\n', shape: ['ServerName(a b)', 'Listen(80)'], codes: ['syntax/unterminated-quote'] },
  { fact: 'continuation inside a quoted string', text: 'Header set X "a\\\nb"\n', shape: ['Header(set,X,ab)'] },
  { fact: 'section with arguments', text: '<VirtualHost *:80 *:8080>\n</VirtualHost>\n', shape: ['<VirtualHost(*:80,*:8080)>[]'] },
  { fact: 'sections nest', text: '<VirtualHost *:80>\n<Location /a>\nRequire all granted\n</Location>\n</VirtualHost>\n', shape: ['<VirtualHost(*:80)>[<Location(/a)>[Require(all,granted)]]'] },
  { fact: 'closers match case-insensitively (apache2 -t)', text: '<virtualhost *:80>\n</VIRTUALHOST>\n', shape: ['<virtualhost(*:80)>[]'] },
  { fact: 'quoted section argument with the > after it', text: '<Location "/a b">\n</Location>\n', shape: ['<Location(/a b)>[]'] },
  { fact: '> glued to the name when there are no arguments', text: '<IfModule>\n</IfModule>\n', shape: ['<IfModule()>[]'] },
  { fact: 'blank before > in an opener is fine', text: '<Location /a >\n</Location>\n', shape: ['<Location(/a)>[]'] },
  { fact: 'opener cut at the last > (strrchr)', text: '<VirtualHost *:80>>\n</VirtualHost>\n', shape: ['<VirtualHost(*:80>)>[]'] },
  { fact: 'text after the > of an opener is ignored by httpd', text: '<Location /a> x\n</Location>\n', shape: ['<Location(/a)>[]'], codes: ['syntax/text-after-gt'] },
  { fact: 'text after a closer is ignored by httpd (apache2 -t: accepted)', text: '<VirtualHost *:80>\n</VirtualHost> foo\n', shape: ['<VirtualHost(*:80)>[]'], codes: ['syntax/text-after-close'] },
  { fact: 'a quoted closer still closes (apache2 -t)', text: '<VirtualHost *:80>\n"</VirtualHost>"\n', shape: ['<VirtualHost(*:80)>[]'] },
  { fact: '<x in argument position is a word', text: 'Header set X <b>\n', shape: ['Header(set,X,<b>)'] },
  { fact: 'CRLF line ends', text: 'Listen 80\r\n<VirtualHost *:80>\r\n</VirtualHost>\r\n', shape: ['Listen(80)', '<VirtualHost(*:80)>[]'] },
  { fact: 'no final newline', text: 'Listen 80', shape: ['Listen(80)'] },
  { fact: 'blank lines and trailing blanks are kept', text: '\n  \nListen 80   \n\t', shape: ['_', '_', 'Listen(80)', '_'] },
  { fact: 'a lone CR is a blank', text: 'Listen\r80\n', shape: ['Listen(80)'] },
  { fact: 'empty file', text: '', shape: [] },
  { fact: '${VAR} is kept raw in the syntax tree', text: 'ServerName ${HOST}\n', shape: ['ServerName(${HOST})'] },
  // What httpd refuses.
  { fact: 'unclosed section (apache2 -t: was not closed)', text: '<VirtualHost *:80>\nListen 80\n', shape: ['<VirtualHost(*:80)>[Listen(80)]'], codes: ['syntax/unclosed-section'] },
  { fact: 'mismatched closer ends the innermost section (apache2 -t: Expected </Location>)', text: '<VirtualHost *:80>\n<Location />\n</VirtualHost>\n', shape: ['<VirtualHost(*:80)>[<Location(/)>[]]'], codes: ['syntax/mismatched-close', 'syntax/unclosed-section'] },
  { fact: 'stray closer (apache2 -t: without matching section)', text: '</VirtualHost>\n', shape: ['</VirtualHost>'], codes: ['syntax/stray-close'] },
  { fact: 'closer with a blank before > (apache2 -t: missing closing >)', text: '<VirtualHost *:80>\n</VirtualHost >\n', shape: ['<VirtualHost(*:80)>[]'], codes: ['syntax/close-missing-gt'] },
  { fact: 'closer without > (apache2 -t: missing closing >)', text: '<VirtualHost *:80>\n</VirtualHost\n', shape: ['<VirtualHost(*:80)>[]'], codes: ['syntax/close-missing-gt'] },
  { fact: 'closer with >> (apache2 -t: Expected </VirtualHost> but saw </VirtualHost>>)', text: '<VirtualHost *:80>\n</VirtualHost>>\n', shape: ['<VirtualHost(*:80)>[]'], codes: ['syntax/mismatched-close'] },
  { fact: 'an opener with nothing after its name reads as <Name> (apache2 -t: "requires additional arguments")', text: '<IfModule\n</IfModule>\n', shape: ['<IfModule()>[]'], codes: ['syntax/open-missing-gt'] },
  { fact: 'opener without > (apache2 -t: missing closing >)', text: '<Location /a\n</Location>\n', shape: ['<Location(/a)>[]'], codes: ['syntax/open-missing-gt'] },
  { fact: 'continuation pulls the closer into the opener line (apache2 -t: not closed)', text: '<VirtualHost *:80> \\\n</VirtualHost>\n', shape: ['<VirtualHost(*:80>,</VirtualHost)>[]'], codes: ['syntax/unclosed-section'] },
  { fact: 'a BOM is not skipped by httpd (apache2 -t: Invalid command)', text: '\uFEFFListen 80\n', shape: ['Listen(80)'], codes: ['syntax/bom'] },
  { fact: 'U+FEFF starting a later line is part of the directive name (apache2 -t: Invalid command)', text: 'Listen 80\n\uFEFFServerName a\n', shape: ['Listen(80)', '\uFEFFServerName(a)'], codes: ['syntax/bom'] },
  { fact: 'U+FEFF inside an argument is an ordinary character', text: 'ServerName a\uFEFFb\n', shape: ['ServerName(a\uFEFFb)'] },
  // NUL: httpd measures each physical line with strlen, so the line ends at the NUL (util.c ap_cfg_getline_core).
  { fact: 'a NUL ends the line; the rest is ignored', text: 'ServerName a\0b c\nListen 80\n', shape: ['ServerName(a)', 'Listen(80)'], codes: ['syntax/nul-byte'] },
  { fact: 'a NUL before a backslash-newline: no continuation (apache2 -t)', text: '<Location /a>\0\\\n</Location>\n', shape: ['<Location(/a)>[]'], codes: ['syntax/nul-byte'] },
  { fact: 'a NUL ends a comment before its continuation (apache2 -t)', text: '# note\0 \\\nListen 80\n', shape: ['#', 'Listen(80)'], codes: ['syntax/nul-byte'] },
  { fact: 'a NUL ends a quoted string', text: 'ServerName "a\0b"\n', shape: ['ServerName(a)'], codes: ['syntax/nul-byte', 'syntax/unterminated-quote'] },
  { fact: 'a line of NULs is blank', text: '\0\0\r\nListen 80', shape: ['_', 'Listen(80)'], codes: ['syntax/nul-byte'] },
  // <Macro>: mod_macro reads the body itself and only warns about nesting (mod_macro.c get_lines_till_end_token).
  { fact: 'a section left open inside <Macro> only warns (apache2 -t: AH02795)', text: '<Macro M $n>\n<Location /$n>\n</Macro>\n', shape: ['<Macro(M,$n)>[<Location(/$n)>[]]'], codes: ['syntax/macro-nesting'] },
  { fact: 'a closer with nothing open inside <Macro> only warns (apache2 -t: AH02793)', text: '<Macro M $n>\n</Location>\n</Macro>\n', shape: ['<Macro(M,$n)>[</Location>]'], codes: ['syntax/macro-nesting'] },
  { fact: 'a mismatched closer inside <Macro> only warns', text: '<Macro M>\n<Location />\n</Directory>\n</Macro>\n', shape: ['<Macro(M)>[<Location(/)>[]]'], codes: ['syntax/macro-nesting'] },
  { fact: 'nested <Macro> bodies end at their own </Macro>', text: '<Macro A>\n<Macro B>\n</Macro>\nX\n</Macro>\n', shape: ['<Macro(A)>[<Macro(B)>[] X()]'] },
  { fact: 'an unclosed <Macro> is an error (apache2 -t: expected token not found)', text: '<Macro M>\n<Location />\n', shape: ['<Macro(M)>[<Location(/)>[]]'], codes: ['syntax/macro-nesting', 'syntax/unclosed-section'] },
  { fact: 'deep nesting needs no stack (httpd has no nesting limit)', text: `${'<IfModule a>\n'.repeat(3000)}${'</IfModule>\n'.repeat(3000)}`, shape: [`${'<IfModule(a)>['.repeat(3000)}${']'.repeat(3000)}`] },
];

describe('grammar facts', () => {
  it.each(facts)('$fact', ({ text, shape: want, codes }) => {
    const got = run(text);
    expect(got.shape).toEqual(want);
    expect(got.codes.sort()).toEqual((codes ?? []).sort());
    expect(print(got.r.ast)).toBe(text);
  });
});

describe('spans', () => {
  it('points at name and arguments with 1-based lines and columns', () => {
    const { ast } = parse('<VirtualHost *:80>\n  ProxyPass /a "http://b/"\n</VirtualHost>\n', 'x.conf');
    const vh = ast.children[0]!;
    expect(vh.kind).toBe('section');
    if (vh.kind !== 'section') return;
    expect(vh.span).toMatchObject({ file: 'x.conf', line: 1, column: 1, endLine: 3, endColumn: 15 });
    const pp = vh.children[0]!;
    if (pp.kind !== 'directive') throw new Error('expected a directive');
    expect(pp.span).toMatchObject({ line: 2, column: 3, endLine: 2, endColumn: 27 });
    expect(pp.args[1]!.span).toMatchObject({ line: 2, column: 16, endColumn: 27 });
    expect(pp.args[1]!.raw).toBe('"http://b/"');
    expect(pp.argsText).toBe('/a "http://b/"');
  });

  it('maps section arguments across continuations', () => {
    const { ast } = parse('<VirtualHost \\\n  *:80>\n</VirtualHost>\n', 'x.conf');
    const vh = ast.children[0]!;
    if (vh.kind !== 'section') throw new Error('expected a section');
    expect(vh.args[0]!.span).toMatchObject({ line: 2, column: 3, endLine: 2, endColumn: 7 });
  });

  it('a BOM takes no column', () => {
    const { ast } = parse('\uFEFFListen 80\n', 'x.conf');
    expect(ast.children[0]!.span).toMatchObject({ line: 1, column: 1 });
  });
});

describe('diagnostics', () => {
  it('words an unclosed section with where it was opened', () => {
    const { diagnostics } = parse('\n<VirtualHost *:80>\n', '000-default.conf');
    expect(diagnostics[0]!.message).toBe('<VirtualHost> opened at 000-default.conf:2:1 is never closed');
    expect(diagnostics[0]!.span).toMatchObject({ line: 2, column: 1 });
  });

  it('words a mismatched closer with the opener position', () => {
    const { diagnostics } = parse('<VirtualHost *:80>\n\n\n<Location />\n</Proxy>\n</VirtualHost>\n', '000-default.conf');
    expect(diagnostics.map((d) => d.message)).toEqual(['</Proxy> closes <Location> opened at 000-default.conf:4:1']);
    expect(diagnostics[0]!.related?.[0]!.span.line).toBe(4);
  });

  it('words a closer that is not one word ending in >', () => {
    const { diagnostics } = parse('<Location /a>\n</Location>\\', '000-default.conf');
    expect(diagnostics.map((d) => d.message)).toEqual(['"</Location>\\" is not a section closer httpd accepts: a closer is one word ending in \'>\', like </Location>']);
    expect(diagnostics[0]!.hint).toBe('write </Location> alone on the line');
  });

  it('words an unterminated quote', () => {
    const { diagnostics } = parse('ServerName "a b\n', 'f');
    expect(diagnostics[0]!.message).toMatch(/^unterminated quoted string/);
  });

  it('reports NUL bytes once, with a count', () => {
    const { diagnostics } = parse('A\0x\nB\0y\nC\0z\n', 'f');
    expect(diagnostics.map((d) => [d.code, d.span.line, d.message])).toEqual([['syntax/nul-byte', 1, 'a NUL byte ends the line for httpd, which ignores the rest of it (2 more lines have one)']]);
  });

  it('reports every problem in one run', () => {
    const { diagnostics } = parse('</A>\n<B x\n</B>\nX "y\n<C>\n', 'f');
    expect(diagnostics.map((d) => d.code).sort()).toEqual(['syntax/open-missing-gt', 'syntax/stray-close', 'syntax/unclosed-section', 'syntax/unterminated-quote']);
  });
});
