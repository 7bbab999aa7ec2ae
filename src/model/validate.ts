/**
 * The model's JSON Schema (./schema.json, draft 2020-12) checked with ajv wherever a model crosses a process
 * boundary: `apx from-json`, `apx serve model.json`, and the tests of everything that prints one.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from './schema.json' with { type: 'json' };
import { parseJson } from '../syntax/json.js';
import { completeModel } from './legacy.js';
import { MODEL_FORMAT, MODEL_VERSION, type ProxyModel } from './types.js';

export const MODEL_SCHEMA_ID: string = schema.$id;

export interface SchemaError {
  /** JSON pointer to the offending value (`/virtualHosts/0/routes/2/target`); `` for the document itself. */
  readonly path: string;
  readonly message: string;
}

export type ModelValidation = { readonly valid: true; readonly model: ProxyModel } | { readonly valid: false; readonly errors: readonly SchemaError[] };

let validator: ValidateFunction | null = null;

function compiled(): ValidateFunction {
  if (validator === null) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    // `version` at the schema's root says which MODEL_VERSION it describes; an annotation, not a check.
    ajv.addKeyword({ keyword: 'version', schemaType: 'number' });
    validator = ajv.compile(schema);
  }
  return validator;
}

function describe(e: ErrorObject): SchemaError {
  const path = e.instancePath;
  switch (e.keyword) {
    case 'required':
      return { path, message: `missing property "${String(e.params['missingProperty'])}"` };
    case 'additionalProperties':
      return { path, message: `unknown property "${String(e.params['additionalProperty'])}"` };
    case 'enum':
      return { path, message: `must be one of ${(e.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(e.params['allowedValue'])}` };
    default:
      return { path, message: e.message ?? e.keyword };
  }
}

/**
 * Check a parsed JSON value against the schema. oneOf failures repeat every branch's complaint, so errors are
 * reduced to the deepest paths, one line per distinct path and message.
 */
export function validateModel(value: unknown): ModelValidation {
  const v = compiled();
  if (v(value)) return { valid: true, model: value as ProxyModel };
  const all = (v.errors ?? []).map(describe);
  const deepest = all.filter((e) => !all.some((o) => o !== e && o.path.startsWith(e.path + '/')));
  const seen = new Set<string>();
  const errors = deepest.filter((e) => {
    const k = `${e.path}\u0000${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { valid: false, errors };
}

export type ModelJsonResult = { readonly model: ProxyModel } | { readonly errors: readonly SchemaError[] };

/** Model JSON text → a validated model, or errors with JSON pointer paths (for `apx serve model.json`). */
export function readModelJson(text: string): ModelJsonResult {
  const parsed = parseJson(text);
  if ('problem' in parsed) {
    const p = parsed.problem;
    return { errors: [{ path: '', message: p.line === undefined ? p.message : `${p.message} (line ${p.line}, column ${p.column ?? 1})` }] };
  }
  return readModelValue(parsed.value);
}

/**
 * A parsed JSON value → a validated model. Format and version are checked first: one clear line for the wrong kind
 * of file or a newer model, rather than every schema complaint that follows from it.
 */
export function readModelValue(value: unknown): ModelJsonResult {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const doc = value as Record<string, unknown>;
    if (doc['format'] !== MODEL_FORMAT) return { errors: [{ path: '/format', message: `must be "${MODEL_FORMAT}" (got ${JSON.stringify(doc['format'] ?? null)})` }] };
    if (doc['version'] !== MODEL_VERSION) return { errors: [{ path: '/version', message: `apx reads model version ${MODEL_VERSION}, this is version ${JSON.stringify(doc['version'] ?? null)}` }] };
  }
  const r = validateModel(value);
  if (!r.valid) return { errors: r.errors };
  // Fields added after version 1 was published (rewrites, limits, requestReadTimeout …): a model written before
  // them gets what it meant (src/model/legacy.ts).
  return { model: completeModel(r.model) };
}
