/**
 * Define / UnDefine / -D and the environment, as core.c keeps them: one global list of defined names (what
 * `<IfDefine>` tests, compared with strcmp) and one table of values (what `${VAR}` reads first; an apr_table,
 * so names compare case-insensitively), changed in reading order wherever the directive sits.
 */
export class Variables {
  /**
   * Defined names in definition order (ap_server_config_defines). A Set keeps insertion order, and adding a name
   * already there keeps its place, as httpd's array does; removing one costs O(1), so Define/UnDefine pairs in a
   * generated file stay linear.
   */
  private readonly names = new Set<string>();
  /** nameKey → [name as written, value] (server_config_defined_vars). */
  private readonly values = new Map<string, { readonly name: string; readonly value: string }>();

  constructor(
    /** getenv(): Debian's envvars, never the process environment. */
    private readonly env: ReadonlyMap<string, string>,
    commandLine: readonly string[] = [],
  ) {
    // apache2 -D NAME=value defines the name "NAME=value" (2.4 main.c pushes the argument as given; checked on 2.4.71).
    for (const n of commandLine) this.define(n, null);
  }

  define(name: string, value: string | null): void {
    this.names.add(name);
    if (value !== null) this.values.set(name.toLowerCase(), { name, value });
  }

  undefine(name: string): void {
    this.names.delete(name);
    this.values.delete(name.toLowerCase());
  }

  isDefined(name: string): boolean {
    return this.names.has(name);
  }

  /** ap_resolve_env's lookup: Define'd value, then the environment. */
  lookup = (name: string): string | undefined => {
    const defined = this.values.get(name.toLowerCase());
    if (defined) return defined.value;
    const env = this.env.get(name);
    if (env !== undefined) this.environmentUsed = true;
    return env;
  };

  /** Whether some `${VAR}` took its value from the environment. */
  environmentUsed = false;

  /** For LoadResult.defines: the environment, then every defined name with its value (null for a bare name). */
  snapshot(): Map<string, string | null> {
    const out = new Map<string, string | null>();
    for (const [k, v] of this.env) out.set(k, v);
    for (const n of this.names) out.set(n, this.values.get(n.toLowerCase())?.value ?? null);
    return out;
  }
}
