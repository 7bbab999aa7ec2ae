import { describe, expect, it } from 'vitest';
import { parseAllowed, parseCompiledIn, parseDirectiveListing, parseDumpModules, parseServerVersion } from '../../src/directives/listing.js';

// Excerpts of `apache2 -L` on 2.4.71 (Debian), tabs as Apache prints them.
const LISTING = [
  '<VirtualHost (core.c)',
  '\tContainer to map directives to a particular virtual host, takes one or more host addresses',
  '\tAllowed in *.conf only outside <Directory>, <Files>, <Location>, or <If>',
  'AddDefaultCharset (core.c)',
  "\tThe name of the default charset to add to any Content-Type without one or 'Off' to disable",
  '\tAllowed in *.conf anywhere and in .htaccess',
  '\twhen AllowOverride includes FileInfo',
  'AuthLDAPURL (mod_authnz_ldap.c)',
  '\tURL to define LDAP connection. This should be an RFC 2255 compliant',
  'URL of the form ldap://host[:port]/basedn[?attrib[?scope[?filter]]].',
  '<ul>',
  '</ul>',
  '\tAllowed in *.conf only inside <Directory>, <Files>, <Location>, or <If> and in .htaccess',
  '\twhen AllowOverride includes AuthConfig',
  'ProxyPass (mod_proxy.c)',
  '\ta virtual path and a URL',
  '\tAllowed in *.conf anywhere',
  '',
].join('\n');

describe('parseDirectiveListing', () => {
  it('splits entries, keeps multi-line help text and joins the AllowOverride line', () => {
    const entries = parseDirectiveListing(LISTING);
    expect(entries.map((e) => [e.rawName, e.source])).toEqual([
      ['<VirtualHost', 'core.c'],
      ['AddDefaultCharset', 'core.c'],
      ['AuthLDAPURL', 'mod_authnz_ldap.c'],
      ['ProxyPass', 'mod_proxy.c'],
    ]);
    expect(entries[1]!.allowed).toBe('Allowed in *.conf anywhere and in .htaccess when AllowOverride includes FileInfo');
    expect(entries[2]!.description).toBe(
      'URL to define LDAP connection. This should be an RFC 2255 compliant\nURL of the form ldap://host[:port]/basedn[?attrib[?scope[?filter]]].\n<ul>\n</ul>',
    );
    expect(entries[3]).toEqual({ rawName: 'ProxyPass', source: 'mod_proxy.c', description: 'a virtual path and a URL', allowed: 'Allowed in *.conf anywhere' });
  });

  it('accepts an entry without help text and CRLF output', () => {
    expect(parseDirectiveListing('Foo (mod_foo.c)\r\n\tAllowed in *.conf anywhere\r\n')).toEqual([
      { rawName: 'Foo', source: 'mod_foo.c', description: null, allowed: 'Allowed in *.conf anywhere' },
    ]);
  });

  it('refuses output it does not understand rather than guessing', () => {
    expect(() => parseDirectiveListing('garbage\n')).toThrow(/expected "Name \(module\.c\)"/);
    expect(() => parseDirectiveListing('Foo (mod_foo.c)\n\thelp\n')).toThrow(/no "Allowed in" line/);
  });
});

describe('parseAllowed', () => {
  const ALL = ['AuthConfig', 'FileInfo', 'Indexes', 'Limit', 'Options'];
  it.each([
    ['Allowed in *.conf anywhere', { server: true, virtualHost: true, directory: true, htaccess: null, noPerDirConfig: false }],
    ['Allowed in *.conf only outside <Directory>, <Files>, <Location>, or <If>', { server: true, virtualHost: true, directory: false, htaccess: null, noPerDirConfig: false }],
    ['Allowed in *.conf only inside <Directory>, <Files>, <Location>, or <If>', { server: false, virtualHost: false, directory: true, htaccess: null, noPerDirConfig: false }],
    ['Allowed in *.conf anywhere and in .htaccess when AllowOverride isn\'t None', { server: true, virtualHost: true, directory: true, htaccess: ALL, noPerDirConfig: false }],
    ['Allowed in *.conf only inside <Directory>, <Files>, <Location>, or <If> and in .htaccess when AllowOverride includes AuthConfig or Limit', { server: false, virtualHost: false, directory: true, htaccess: ['AuthConfig', 'Limit'], noPerDirConfig: false }],
    ['Allowed in *.conf anywhere [no per-dir config] and in .htaccess when AllowOverride includes FileInfo', { server: true, virtualHost: true, directory: true, htaccess: ['FileInfo'], noPerDirConfig: true }],
  ])('%s', (text, expected) => {
    expect(parseAllowed(text)).toEqual(expected);
  });

  it('refuses unknown wording and categories', () => {
    expect(() => parseAllowed('Allowed in *.conf somewhere')).toThrow();
    expect(() => parseAllowed('Allowed in *.conf anywhere and in .htaccess when AllowOverride includes Nonsense')).toThrow(/Nonsense/);
  });
});

describe('module listings', () => {
  it('reads -l, DUMP_MODULES and -v', () => {
    expect(parseCompiledIn('Compiled in modules:\n  core.c\n  mod_so.c\n')).toEqual(['core.c', 'mod_so.c']);
    expect(parseDumpModules('Loaded Modules:\n core_module (static)\n mpm_event_module (shared)\n')).toEqual([
      { symbol: 'core_module', static: true },
      { symbol: 'mpm_event_module', static: false },
    ]);
    expect(parseServerVersion('Server version: Apache/2.4.71 (Debian)\nServer built:   x\n')).toBe('Apache/2.4.71 (Debian)');
    expect(() => parseServerVersion('nothing')).toThrow();
  });
});
