/**
 * The flags every command that reads a configuration shares (lint, to-json, serve): which modules are loaded,
 * which tree the file belongs to, which `-D` names are defined. They map one to one onto src/config's LoadOptions.
 */
import type { Argv } from 'yargs';
import { load, type LoadOptions, type LoadResult } from '../config/index.js';
import { readInput, type Streams } from './io.js';

export interface LoadArgs {
  modules: string | undefined;
  'server-root': string | undefined;
  define: string[] | undefined;
  'no-tree': boolean;
}

export function withLoadOptions<A>(y: Argv<A>): Argv<A & LoadArgs> {
  return y
    .option('modules', {
      type: 'string',
      describe: 'the complete set of loaded modules, a2enmod names (proxy,proxy_http,…); overrides LoadModule lines and mods-enabled/',
    })
    .option('server-root', { type: 'string', describe: 'read the file inside this server tree (its apache2.conf)' })
    .option('define', { alias: 'D', type: 'string', array: true, describe: 'define a name as apache2 -D does (NAME or NAME=value); repeatable' })
    .option('no-tree', { type: 'boolean', default: false, describe: 'do not look for an enclosing /etc/apache2 tree: read the file alone in a default Debian context' })
    .group(['modules', 'server-root', 'define', 'no-tree'], 'Context:') as unknown as Argv<A & LoadArgs>;
}

export function loadOptionsFrom(args: LoadArgs): LoadOptions {
  const modules = args.modules?.split(/[\s,]+/).filter((m) => m !== '');
  return {
    ...(modules !== undefined ? { modules } : {}),
    ...(args['server-root'] !== undefined ? { serverRoot: args['server-root'] } : {}),
    ...(args.define !== undefined ? { defines: args.define } : {}),
    noTreeDetection: args['no-tree'],
  };
}

/** Read FILE (or `-`) and resolve it with the context flags. Unreadable files are usage errors (exit 2). */
export async function loadFromArgs(file: string, args: LoadArgs, io: Streams): Promise<LoadResult> {
  const input = await readInput(file, io.stdin);
  return load({ file: input.file, text: input.text }, loadOptionsFrom(args));
}
