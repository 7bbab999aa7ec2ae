/**
 * The shapes of the generated registry data (src/directives/data/*.json). The generator
 * (scripts/gen-directives.ts) writes exactly these; the loaders read them back without reinterpreting.
 */

/** The five AllowOverride categories httpd knows (OR_AUTHCFG, OR_FILEINFO, OR_INDEXES, OR_LIMIT, OR_OPTIONS). */
export type OverrideCategory = 'AuthConfig' | 'FileInfo' | 'Indexes' | 'Limit' | 'Options';

/**
 * Places the generator writes each directive in to see whether Apache refuses it there at start-up: the main
 * server config (outside every section) and inside each kind of section. `-L` cannot say this: handlers refuse
 * contexts themselves through ap_check_cmd_context() (GLOBAL_ONLY, NOT_IN_DIRECTORY, …) or their own checks
 * ("ServerAlias only used in <VirtualHost>"), which `-L` never sees.
 */
export type Placement = 'server' | 'VirtualHost' | 'Directory' | 'Location' | 'Files' | 'If' | 'Proxy';

export const PLACEMENTS: readonly Placement[] = ['server', 'VirtualHost', 'Directory', 'Location', 'Files', 'If', 'Proxy'];

/**
 * Where a directive may appear, as `apache2 -L` states it (config.c show_overrides()). `-L` does not tell the
 * main server from a virtual host, so `virtualHost` equals `server` here; see DirectiveInfo.refusedIn.
 */
export interface DirectiveContext {
  /** The main server config, outside every section ("only outside …" or "anywhere"). */
  readonly server: boolean;
  readonly virtualHost: boolean;
  /** Inside <Directory>, <Location>, <Files>, <If> — and <Proxy>, which httpd configures the same way. */
  readonly directory: boolean;
  /**
   * The AllowOverride categories any one of which lets it appear in .htaccess; all five when Apache says
   * "when AllowOverride isn't None"; null when it is never allowed in .htaccess.
   */
  readonly htaccess: readonly OverrideCategory[] | null;
  /** Apache's "[no per-dir config]" note: allowed per-directory but the module keeps no per-dir config. */
  readonly noPerDirConfig: boolean;
}

/** A module that defines a directive: its registry key and the source file name httpd reports. */
export interface ModuleRef {
  readonly module: string;
  readonly source: string;
}

export interface DirectiveInfo {
  /** Canonical spelling as Apache prints it, without the `<` of a section: `ProxyPass`, `VirtualHost`. */
  readonly name: string;
  /** A container (`<VirtualHost …>` … `</VirtualHost>`). */
  readonly section: boolean;
  /** Registry key of the module that defines it (see ModuleInfo.name); the first one in httpd's load order. */
  readonly module: string;
  /** That module's source file name as httpd prints it: `mod_proxy.c`, `core.c`, `event.c`. */
  readonly source: string;
  /**
   * Other modules that define a directive of the same name (mod_cgi/mod_cgid `ScriptLog`, the three MPMs'
   * `MaxRequestWorkers`); any one of them being loaded makes the directive known.
   */
  readonly alternatives: readonly ModuleRef[];
  /** Apache's one-line help text (command_rec errmsg); null when the module gives none. */
  readonly description: string | null;
  /** The "Allowed in …" text verbatim, both lines joined by a space. */
  readonly allowed: string;
  readonly context: DirectiveContext;
  /** Places where the real server refused it at start-up although `context` allows it there. */
  readonly refusedIn: readonly Placement[];
}

export interface ModuleInfo {
  /**
   * Registry key: the a2enmod name (`proxy_http`, `dump_io`); for compiled-in modules and shipped modules
   * without a `.load` file, the symbol without `_module` (`log_config`, `case_filter`).
   */
  readonly name: string;
  /** The module structure's symbol, as LoadModule and `<IfModule>` take it: `proxy_http_module`. */
  readonly symbol: string;
  /** The source file name httpd knows the module by (`-l`, `-L`, `<IfModule mod_proxy_http.c>`). */
  readonly source: string;
  /** The shared object; null when compiled in. */
  readonly file: string | null;
  /** Compiled into the apache2 binary (`apache2 -l`): always present, never in a LoadModule line. */
  readonly static: boolean;
  /** Debian ships `mods-available/<name>.load`, so `a2enmod <name>` enables it. */
  readonly a2enmod: boolean;
  /** Debian `# Depends:` — a2enmod enables these first. */
  readonly depends: readonly string[];
  /**
   * What must really be loaded first: `depends` plus link-time needs the .load file forgets (found by loading
   * each module alone; Debian 2.4.71's dav_lock needs dav). a2enmod enables only `depends`.
   */
  readonly requires: readonly string[];
  readonly conflicts: readonly string[];
  /** Enabled by a fresh `apt install apache2` (or compiled in). */
  readonly debianDefault: boolean;
}

export interface DirectivesData {
  readonly generatedBy: string;
  readonly regenerate: string;
  readonly apacheVersion: string;
  readonly directives: readonly DirectiveInfo[];
}

export interface ModulesData {
  readonly generatedBy: string;
  readonly regenerate: string;
  readonly apacheVersion: string;
  readonly modules: readonly ModuleInfo[];
}
