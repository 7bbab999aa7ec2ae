import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import schema from '../../src/model/schema.json' with { type: 'json' };
import { MODEL_SCHEMA_ID, MODEL_VERSION, readModelJson, validateModel, type ProxyModel } from '../../src/model/index.js';
import { modelOf } from './helpers.js';

const SAMPLES = ['samples/000-default.conf', 'samples/000-default.balancer.conf'];
const sample = (path: string): ProxyModel => JSON.parse(JSON.stringify(modelOf(readFileSync(path, 'utf8'), { file: path }))) as ProxyModel;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('model JSON Schema', () => {
  it('is draft 2020-12 with an $id and the version of MODEL_VERSION', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(MODEL_SCHEMA_ID).toBe(schema.$id);
    expect(schema.version).toBe(MODEL_VERSION);
    expect(schema.properties.version.const).toBe(MODEL_VERSION);
  });

  it.each(SAMPLES)('accepts the model of %s', (path) => {
    const v = validateModel(sample(path));
    expect(v.valid ? [] : v.errors).toEqual([]);
  });

  const base = sample('samples/000-default.balancer.conf');
  it.each<[string, (m: Record<string, any>) => void, { path: string; message: RegExp }]>([
    ['a missing property', (m) => delete m['listeners'], { path: '', message: /missing property "listeners"/ }],
    ['an unknown property', (m) => (m['virtualHosts'][0]['colour'] = 'blue'), { path: '/virtualHosts/0', message: /unknown property "colour"/ }],
    ['a wrong enum', (m) => (m['virtualHosts'][0]['headers']['via'] = 'sometimes'), { path: '/virtualHosts/0/headers/via', message: /must be one of "off", "on", "full", "block"/ }],
    ['a wrong type deep inside', (m) => (m['balancers'][0]['members'][1]['params']['retry'] = '60'), { path: '/balancers/0/members/1/params/retry', message: /must be integer/ }],
    ['a port out of range', (m) => (m['listeners'][0]['port'] = 70000), { path: '/listeners/0/port', message: /must be <= 65535/ }],
    ['a bad route match', (m) => (m['virtualHosts'][0]['routes'][0]['match'] = { kind: 'glob', path: '/' }), { path: '/virtualHosts/0/routes/0/match/kind', message: /must be "prefix"|must be "regex"/ }],
  ])('rejects %s with a JSON pointer to it', (_what, mutate, expected) => {
    const m = clone(base) as unknown as Record<string, any>;
    mutate(m);
    const v = validateModel(m);
    expect(v.valid).toBe(false);
    if (v.valid) return;
    expect(v.errors.some((e) => e.path === expected.path && expected.message.test(e.message)), JSON.stringify(v.errors)).toBe(true);
  });

  it('readModelJson: a model, or errors for bad JSON, another format, another version, schema problems', () => {
    const good = readModelJson(JSON.stringify(base));
    expect('model' in good && good.model.balancers[0]!.name).toBe('mycluster');
    expect(readModelJson('{"format": "apx-model",')).toEqual({ errors: [{ path: '', message: expect.stringMatching(/^not valid JSON: .* \(line 1, column 24\)$/) }] });
    expect(readModelJson('{\n  "format": "apx-model",\n  "version": 1,,\n}')).toEqual({ errors: [{ path: '', message: 'not valid JSON: Expected double-quoted property name (line 3, column 16)' }] });
    expect(readModelJson('')).toEqual({ errors: [{ path: '', message: 'the input is empty (expected the JSON apx to-json prints)' }] });
    expect(readModelJson('{"format":"apx-ast","version":1}')).toEqual({ errors: [{ path: '/format', message: 'must be "apx-model" (got "apx-ast")' }] });
    expect(readModelJson(JSON.stringify({ ...base, version: 99 }))).toEqual({ errors: [{ path: '/version', message: 'apx reads model version 1, this is version 99' }] });
    const broken = clone(base) as unknown as Record<string, any>;
    broken['mainServer']['timeouts']['timeout'] = -1;
    expect(readModelJson(JSON.stringify(broken))).toEqual({ errors: [{ path: '/mainServer/timeouts/timeout', message: 'must be >= 0' }] });
  });
});
