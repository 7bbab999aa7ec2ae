/**
 * src/model: the resolved tree → ProxyModel (compile), its JSON Schema (validateModel, readModelJson) and secret
 * redaction for output (redactSecrets).
 */
export * from './types.js';
export { compile, type CompileResult, DEFAULT_TIMEOUT, COMMON_LOG_FORMAT } from './compile.js';
export { validateModel, readModelJson, readModelValue, MODEL_SCHEMA_ID, type ModelValidation, type ModelJsonResult, type SchemaError } from './validate.js';
export { redactSecrets, REDACTED } from './redact.js';
export { completeModel } from './legacy.js';
export {
  parseRequestReadTimeout,
  parseKeepAliveTimeout,
  DEFAULT_REQUEST_READ_TIMEOUT,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  type RequestReadTimeoutParse,
} from './client-timeouts.js';
