/**
 * A directive whose module is not loaded. httpd only knows the commands of loaded modules, so it stops with
 * "Invalid command 'ProxyPass', perhaps misspelled or defined by a module not included in the server
 * configuration" (config.c). Reported once per module and file, at the first use, so a site full of ProxyPass
 * lines without mod_proxy gives one problem with one fix.
 */
import type { RelatedLocation, Span } from '../../diagnostic.js';
import { a2enmodHint, moduleByName, providersOf, type DirectiveInfo } from '../../directives/index.js';
import { directiveInfo } from '../lookup.js';
import { nodeSpan } from '../paths.js';
import type { ResolvedDirective, ResolvedSection } from '../../config/types.js';
import type { NameGroup } from '../types.js';
import { defineRule } from './define.js';

export const moduleNotLoaded = defineRule(
  { id: 'module-not-loaded', description: "a directive whose module is not loaded, which Apache refuses as an 'Invalid command'", severity: 'error' },
  (context) => {
    interface Use {
      name: string;
      span: Span;
      others: RelatedLocation[];
    }
    const firstUse = new Map<string, Use>();
    const loaded = new Map<DirectiveInfo, boolean>();
    const note = (node: ResolvedDirective | ResolvedSection, info: DirectiveInfo, file: string, section: boolean): void => {
      const key = `${info.module}\u0000${file}`;
      const span = nodeSpan(node);
      const use = firstUse.get(key);
      const shown = section ? `<${info.name}>` : info.name;
      if (use) use.others.push({ message: `${shown} also needs mod_${info.module}`, span });
      else firstUse.set(key, { name: shown, span, others: [] });
    };
    // Whether a name's module is loaded depends on the name alone: decide once per spelling, then visit only the
    // lines of unloaded modules — in reading order (directives first, then sections), which picks the first use.
    const unloaded = <N extends ResolvedDirective | ResolvedSection>(groups: readonly NameGroup<N>[], section: boolean): void => {
      const hits: { seq: number; node: N; info: DirectiveInfo; file: string }[] = [];
      for (const g of groups) {
        const info = directiveInfo(g.name, section);
        if (!info) continue;
        let ok = loaded.get(info);
        if (ok === undefined) loaded.set(info, (ok = providersOf(info).some((m) => context.isLoaded(m))));
        if (ok) continue;
        for (let i = 0; i < g.nodes.length; i++) hits.push({ seq: g.seqs[i]!, node: g.nodes[i]!, info, file: g.contexts[i]!.file.ast.file });
      }
      hits.sort((a, b) => a.seq - b.seq);
      for (const h of hits) note(h.node, h.info, h.file, section);
    };
    unloaded(context.directiveGroups, false);
    unloaded(context.sectionGroups, true);

    const source = context.loaded.modules.source;
    const why =
      source === 'debian-default'
        ? 'which a default Debian install does not enable'
        : source === 'option'
          ? 'which is not in --modules'
          : 'which no LoadModule line loads';
    for (const [key, use] of firstUse) {
      const module = key.split('\u0000')[0]!;
      const label = `mod_${moduleByName(module)?.name ?? module}`;
      const more = use.others.length > 0 ? ` (and ${use.others.length} more line${use.others.length === 1 ? '' : 's'} in this file)` : '';
      context.report({
        message: `${use.name} is provided by ${label}, ${why}; Apache refuses to start ("Invalid command '${use.name.replace(/^<|>$/g, '')}'")${more}`,
        span: use.span,
        hint: a2enmodHint([module]) ?? `load ${label}`,
        related: use.others.slice(0, 20),
      });
    }
  },
);
