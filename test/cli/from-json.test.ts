import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromAstJson, readAstJson } from '../../src/syntax/json.js';
import { runCli } from './harness.js';

const SITE = '<VirtualHost *:80>\r\n\tProxyPreserveHost On   \r\n  # comment \\\n  ProxyPass / "http://127.0.0.1:8080/"\r\n</VirtualHost>';

describe('apx from-json', () => {
  it('turns the syntax tree back into the original bytes', async () => {
    const ast = await runCli(['to-json', '--ast', '-'], SITE);
    expect(ast.code).toBe(0);
    const back = await runCli(['from-json', '-'], ast.stdout);
    expect(back.code).toBe(0);
    expect(back.stderr).toBe('');
    expect(back.stdout).toBe(SITE);
  });

  it('turns a model into the config it describes', async () => {
    const model = await runCli(['to-json', '-'], '<VirtualHost *:80>\n\tProxyPreserveHost On\n\tProxyPass / "http://127.0.0.1:8080/"\n</VirtualHost>\n');
    const back = await runCli(['from-json', '-'], model.stdout);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain('<VirtualHost *:80>\n    ProxyPreserveHost On\n    ProxyPass / http://127.0.0.1:8080/\n</VirtualHost>\n');
  });

  const AST_HEAD = '{"format": "apx-ast", "version": 1, "file": "x", "bom": false, "children": ';
  it.each([
    // JSON that does not parse: file:line:column of the error, V8's words without its snippet of the input.
    ['{"format": "apx-model",', '<stdin>:1:24: not valid JSON: Expected double-quoted property name, but the input ends (is it cut short?)\n'],
    ['{"format": "apx-model",, "version": 1}', '<stdin>:1:24: not valid JSON: Expected double-quoted property name\n'],
    ['{\n  "format": "apx-ast",\n  "children": [1, 2, ]\n}', "<stdin>:3:22: not valid JSON: Unexpected token ']'\n"],
    ['{"format": "apx-ast"', "<stdin>:1:21: not valid JSON: Expected ',' or '}' after property value, but the input ends (is it cut short?)\n"],
    ['{"format": "apx-ast", "file": "a', '<stdin>:1:33: not valid JSON: Unterminated string, but the input ends (is it cut short?)\n'],
    ['{"format": "apx-ast", "children": [', '<stdin>:1:36: not valid JSON: the input ends inside a value (is it cut short?)\n'],
    ['{} {}', '<stdin>:1:4: not valid JSON: Unexpected non-whitespace character after the JSON value\n'],
    ['', '<stdin>: the input is empty (expected the JSON apx to-json prints)\n'],
    ['[1, 2]', '<stdin>: expected a JSON object from apx to-json, got an array\n'],
    ['"apx-ast"', '<stdin>: expected a JSON object from apx to-json, got a string\n'],
    ['{"format": "nginx"}', '<stdin>: /format: must be "apx-model" (a model, from apx to-json) or "apx-ast" (a syntax tree, from apx to-json --ast), got "nginx"\n'],
    ['{"children": []}', '<stdin>: /format: must be "apx-model" (a model, from apx to-json) or "apx-ast" (a syntax tree, from apx to-json --ast), got null\n'],
    // A model: version first, then the JSON Schema, each problem with its JSON pointer.
    ['{"format": "apx-model", "version": 2}', '<stdin>: /version: apx reads model version 1, this is version 2\n'],
    ['{"format": "apx-model", "version": 1, "listeners": []}', /^<stdin>: missing property "source"\n(<stdin>: missing property "\w+"\n)+$/],
    // A syntax tree: every problem, in document order, at any depth.
    [AST_HEAD + '[{"kind": "directive", "name": "Listen", "args": [80]}]}', '<stdin>: /children/0/args/0: must be a string\n'],
    ['{"format": "apx-ast", "version": 9, "bom": 0, "children": {}}', '<stdin>: /version: apx reads syntax tree version 1, this is 9\n<stdin>: /file: must be a string\n<stdin>: /bom: must be a boolean\n<stdin>: /children: must be an array of nodes\n'],
    [
      AST_HEAD + '[{"kind": "section", "name": "VirtualHost", "args": ["*:80"], "open": {"indent": ""}, "children": [{"kind": "directiv"}, 3]}, {"kind": "comment"}]}',
      '<stdin>: /children/0/open/text: must be a string\n<stdin>: /children/0/open/trailing: must be a string\n<stdin>: /children/0/open/eol: must be a string\n' +
        '<stdin>: /children/0/children/0/kind: must be one of "directive", "section", "comment", "blank", "stray-close", got "directiv"\n' +
        '<stdin>: /children/0/children/1: must be an object with a "kind"\n<stdin>: /children/1/text: must be a string\n',
    ],
    [AST_HEAD + '[{"kind": "section", "name": "", "args": [], "close": {"name": "x"}, "children": []}]}', '<stdin>: /children/0/name: must be a non-empty string\n<stdin>: /children/0/close/source: must be an object {indent, text, trailing, eol}\n'],
    [AST_HEAD + '[{"kind": "blank", "source": "\\n"}]}', '<stdin>: /children/0/source: must be an object {indent, text, trailing, eol}, or left out\n'],
  ])('exits 1 with a precise message for %s', async (text, message) => {
    const r = await runCli(['from-json', '-'], text);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    if (typeof message === 'string') expect(r.stderr).toBe(message);
    else expect(r.stderr).toMatch(message);
  });

  it('readAstJson (the library form) gives the tree, or the same problems', async () => {
    const ok = readAstJson((await runCli(['to-json', '--ast', '-'], 'Listen 80\n')).stdout);
    expect('ast' in ok && fromAstJson(ok.ast)).toBe('Listen 80\n');
    expect(readAstJson('{"format": "apx-ast", "version": 1, "file": "x", "bom": false, "children": [{"kind": "blank", "source": 1}]}')).toEqual({
      errors: [{ path: '/children/0/source', message: 'must be an object {indent, text, trailing, eol}, or left out' }],
    });
    expect(readAstJson('{"a/b": ')).toEqual({ errors: [{ path: '', message: 'not valid JSON: the input ends inside a value (is it cut short?)', line: 1, column: 9 }] });
    expect(readAstJson('{"format": "apx-model"}')).toEqual({ errors: [{ path: '/format', message: 'must be "apx-ast", got "apx-model"' }] });
  });

  it('a syntax tree a tool wrote by hand (only kind, name, args) converts', async () => {
    const doc = AST_HEAD + '[{"kind": "section", "name": "VirtualHost", "args": ["*:80"], "children": [{"kind": "directive", "name": "ProxyPass", "args": ["/", "http://b/"]}, {"kind": "comment", "text": "note"}]}, {"kind": "blank"}]}';
    const r = await runCli(['from-json', '-'], doc);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('<VirtualHost *:80>\n    ProxyPass / http://b/\n    # note\n</VirtualHost>\n\n');
  });

  it('reads a file by path; a file name in messages is the path given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apx-from-json-'));
    const good = join(dir, 'site.json');
    writeFileSync(good, (await runCli(['to-json', '--ast', '-'], 'Listen 80\n')).stdout);
    expect(await runCli(['from-json', good])).toEqual({ code: 0, stdout: 'Listen 80\n', stderr: '' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{\n');
    expect((await runCli(['from-json', bad])).stderr).toBe(`${bad}:2:1: not valid JSON: Expected property name or '}', but the input ends (is it cut short?)\n`);
  });

  it.each([
    [['from-json'], /^apx: from-json needs FILE: JSON from apx to-json, or - to read standard input\n/],
    [['from-json', '--pretty', 'site.json'], /^apx: Unknown argument: pretty\n/],
    [['from-json', '/nonexistent/site.json'], /^apx: cannot read \/nonexistent\/site\.json: no such file or directory\n/],
    [['from-json', tmpdir()], /is a directory/],
    [['from-json', 'a.json', 'b.json'], /Unknown argument: b\.json/],
  ])('usage errors exit 2 with one line, no stack: %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\bat .*\.[jt]s:\d+/);
  });

  it('points at the value a schema error is about', async () => {
    const model = JSON.parse((await runCli(['to-json', '-'], 'ProxyPass / http://b/\n')).stdout) as Record<string, any>;
    model['mainServer']['routes'][0]['worker']['retry'] = 'soon';
    const r = await runCli(['from-json', '-'], JSON.stringify(model));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('<stdin>: /mainServer/routes/0/worker/retry: must be integer\n');
  });

  it('--help has examples and says what the exit codes mean', async () => {
    const r = await runCli(['from-json', '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('apx from-json <file>');
    expect(r.stdout).toMatch(/Exit codes: 0 .*1 .*2 /s);
  });
});
