import { describe, expect, it } from 'vitest';
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

  it.each([
    ['{"format": "apx-model",', /^<stdin>: not valid JSON: /],
    ['[1, 2]', /^<stdin>: expected a JSON object from apx to-json\n$/],
    ['{"format": "nginx"}', /^<stdin>: \/format: must be "apx-model" \(a model\) or "apx-ast" \(a syntax tree\), got "nginx"\n$/],
    ['{"format": "apx-model", "version": 1, "listeners": []}', /<stdin>: \/: missing property "source"\n/],
    ['{"format": "apx-ast", "version": 1, "file": "x", "bom": false, "children": [{"kind": "directive", "name": "Listen", "args": [80]}]}', /^<stdin>: \/children\/0\/args: must be an array of strings\n$/],
  ])('exits 1 with a precise message for %s', async (text, message) => {
    const r = await runCli(['from-json', '-'], text);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('points at the value a schema error is about', async () => {
    const model = JSON.parse((await runCli(['to-json', '-'], 'ProxyPass / http://b/\n')).stdout) as Record<string, any>;
    model['mainServer']['routes'][0]['worker']['retry'] = 'soon';
    const r = await runCli(['from-json', '-'], JSON.stringify(model));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('<stdin>: /mainServer/routes/0/worker/retry: must be integer\n');
  });

  it('--help has examples', async () => {
    const r = await runCli(['from-json', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });
});
