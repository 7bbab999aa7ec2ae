/** Compile inline configs through the real loader (src/config load with the text given, no tree lookup). */
import { load } from '../../src/config/index.js';
import { compile, type CompileResult, type ProxyModel } from '../../src/model/index.js';

export const PROXY_MODULES = ['proxy', 'proxy_http', 'proxy_balancer', 'lbmethod_byrequests', 'lbmethod_bybusyness', 'slotmem_shm', 'headers', 'ssl', 'status', 'log_config', 'rewrite', 'socache_shmcb'];

export interface CompileOptions {
  readonly file?: string;
  readonly modules?: readonly string[];
}

export function compileText(text: string, options: CompileOptions = {}): CompileResult & { loadDiagnostics: readonly string[] } {
  const loaded = load({ file: options.file ?? '/site.conf', text }, { noTreeDetection: true, modules: options.modules ?? PROXY_MODULES });
  return { ...compile(loaded), loadDiagnostics: loaded.diagnostics.map((d) => `${d.code}: ${d.message}`) };
}

export function modelOf(text: string, options: CompileOptions = {}): ProxyModel {
  const r = compileText(text, options);
  if (r.model === null) throw new Error(`no model: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.model;
}

export const codes = (r: CompileResult): string[] => r.diagnostics.map((d) => d.code);

/**
 * What must survive `to-json | from-json | to-json`: the model without where things were written (spans, the
 * source block) and without `unsupported` (from-json writes only what the model represents).
 */
export function comparable(m: ProxyModel): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (k !== 'span') out[k] = strip(x);
      return out;
    }
    return v;
  };
  const { source: _source, unsupported: _unsupported, ...rest } = m;
  return strip(rest);
}
