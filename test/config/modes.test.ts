import { describe, expect, it } from 'vitest';
import { defaultDebianModules, staticModules } from '../../src/directives/index.js';
import { load, memoryFs } from '../../src/config/index.js';
import { applied, filesRead, resolution } from './helpers.js';

/** A small Debian-shaped tree under /etc/apache2 (no envvars: Debian defaults apply). */
const DEBIAN: Record<string, string> = {
  '/etc/apache2/apache2.conf': [
    'IncludeOptional mods-enabled/*.load',
    'IncludeOptional mods-enabled/*.conf',
    'Include ports.conf',
    'IncludeOptional conf-enabled/*.conf',
    'IncludeOptional sites-enabled/*.conf',
    'Define AFTER_SITES 1',
    '',
  ].join('\n'),
  '/etc/apache2/ports.conf': 'Listen 80\n',
  '/etc/apache2/mods-available/proxy.load': 'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\n',
  '/etc/apache2/mods-available/proxy_http.load': 'LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so\n',
  '/etc/apache2/mods-available/mpm_event.load': 'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n',
  '/etc/apache2/sites-available/000-default.conf': '<VirtualHost *:80>\nServerName a\n</VirtualHost>\n',
  '/etc/apache2/sites-available/other.conf': '<VirtualHost *:80>\nServerName b\nX ${AFTER_SITES}\n</VirtualHost>\n',
};
const LINKS: Record<string, string> = {
  '/etc/apache2/mods-enabled/proxy.load': '../mods-available/proxy.load',
  '/etc/apache2/mods-enabled/mpm_event.load': '../mods-available/mpm_event.load',
  '/etc/apache2/sites-enabled/000-default.conf': '../sites-available/000-default.conf',
};
const debianFs = (extra: Record<string, string> = {}) => memoryFs({ ...DEBIAN, ...extra }, { symlinks: LINKS });

describe('tree mode', () => {
  it('finds apache2.conf above a site and reaches the site through sites-enabled/', () => {
    const r = load({ file: '/etc/apache2/sites-available/000-default.conf' }, { fs: debianFs() });
    expect(r.mode).toBe('tree');
    expect(r.serverRoot).toBe('/etc/apache2');
    expect(r.root.path).toBe('/etc/apache2/apache2.conf');
    expect(r.entryFile?.path).toBe('/etc/apache2/sites-enabled/000-default.conf');
    expect(r.entryFile?.spliced).toBe(false);
    expect(r.modules.source).toBe('load-module');
    expect([...r.modules.names].sort()).toEqual([...staticModules(), 'proxy', 'mpm_event'].sort());
    expect(r.modules.loadedAt.get('proxy')?.file).toBe('/etc/apache2/mods-enabled/proxy.load');
    expect(resolution(r)).toEqual([]);
  });

  it('reads a site that is not enabled as if it were, right after sites-enabled/, and says so', () => {
    const r = load({ file: '/etc/apache2/sites-available/other.conf' }, { fs: debianFs() });
    expect(r.entryFile?.path).toBe('/etc/apache2/sites-available/other.conf');
    expect(r.entryFile?.spliced).toBe(true);
    expect(filesRead(r).slice(-2)).toEqual(['/etc/apache2/sites-enabled/000-default.conf', '/etc/apache2/sites-available/other.conf']);
    // Read before the Define that follows sites-enabled/ in apache2.conf.
    expect(resolution(r)).toEqual(['config/undefined-variable other.conf:3:3']);
    expect(r.assumptions.join('\n')).toContain('sites-available/other.conf is not enabled in /etc/apache2; it is read as if it were (a2ensite other)');
  });

  it('splices after the root when no Include reads sites-enabled/', () => {
    const fs = memoryFs({ '/srv/h/httpd.conf': 'Listen 80\n', '/srv/h/extra/x.conf': 'ServerName x\n' });
    const r = load({ file: '/srv/h/extra/x.conf' }, { fs });
    expect(r.root.path).toBe('/srv/h/httpd.conf');
    expect(applied(r)).toEqual(['Listen 80', 'ServerName x']);
    expect(r.entryFile?.spliced).toBe(true);
    expect(r.assumptions.join('\n')).toContain('at the end of httpd.conf');
  });

  it('uses the given text for the entry (an editor buffer) in place of the file', () => {
    const r = load({ file: '/etc/apache2/sites-available/000-default.conf', text: 'ServerName edited\n' }, { fs: debianFs() });
    expect(r.entryFile?.spliced).toBe(false);
    expect(applied(r)).toContain('ServerName edited');
    expect(applied(r)).not.toContain('ServerName a');
  });

  it('reads stdin inside the tree given with serverRoot', () => {
    const r = load({ file: '<stdin>', text: '<IfModule proxy_module>\nServerName in\n</IfModule>\n' }, { fs: debianFs(), serverRoot: '/etc/apache2' });
    expect(r.mode).toBe('tree');
    expect(r.entryFile?.path).toBe('<stdin>');
    expect(applied(r)).toContain('ServerName in');
  });

  it('the entry\'s spans carry the name the user gave it, also when reached through a link', () => {
    const r = load({ file: '/etc/apache2/sites-available/000-default.conf', text: '</Nope>\n' }, { fs: debianFs() });
    expect(r.entryFile?.path).toBe('/etc/apache2/sites-enabled/000-default.conf');
    expect(r.diagnostics.map((d) => d.span.file)).toEqual(['/etc/apache2/sites-available/000-default.conf']);
  });

  it('states a path mapping only when it changed a path', () => {
    const fs = memoryFs({ '/copy/apache2/apache2.conf': 'Include x.conf\n', '/copy/apache2/x.conf': '' });
    expect(load({ file: '/copy/apache2/apache2.conf' }, { fs }).assumptions).toEqual([]);
  });

  it('the entry can be the root file itself', () => {
    const r = load({ file: '/etc/apache2/apache2.conf' }, { fs: debianFs() });
    expect(r.entryFile).toBe(r.root);
  });

  it('--modules fixes the set: LoadModule lines do not change it', () => {
    const r = load({ file: '/etc/apache2/apache2.conf' }, { fs: debianFs(), modules: ['mod_proxy_http', 'ssl_module', 'rewrite'] });
    expect(r.modules.source).toBe('option');
    expect([...r.modules.names].sort()).toEqual([...staticModules(), 'proxy_http', 'ssl', 'rewrite'].sort());
  });

  it('maps a copied tree\'s own absolute paths and ServerRoot onto where it lies', () => {
    const fs = memoryFs({
      '/copy/apache2/apache2.conf': 'ServerRoot "/etc/apache2"\nInclude /etc/apache2/a.conf\nInclude b.conf\n',
      '/copy/apache2/a.conf': 'A\n',
      '/copy/apache2/b.conf': 'B\n',
    });
    const r = load({ file: '/copy/apache2/apache2.conf' }, { fs });
    expect(filesRead(r)).toEqual(['/copy/apache2/apache2.conf', '/copy/apache2/a.conf', '/copy/apache2/b.conf']);
    expect(r.assumptions.join('\n')).toContain('/etc/apache2');
  });

  it('Red Hat layout: conf/httpd.conf under the ServerRoot', () => {
    const fs = memoryFs({
      '/c/httpd/conf/httpd.conf': 'ServerRoot "/etc/httpd"\nInclude conf.modules.d/*.conf\nIncludeOptional conf.d/*.conf\n',
      '/c/httpd/conf.modules.d/00-proxy.conf': 'LoadModule proxy_module modules/mod_proxy.so\n',
      '/c/httpd/conf.d/site.conf': 'ServerName s\n',
    });
    const r = load({ file: '/c/httpd/conf.d/site.conf' }, { fs });
    expect(r.serverRoot).toBe('/c/httpd');
    expect(r.entryFile?.spliced).toBe(false);
    expect(r.modules.names.has('proxy')).toBe(true);
    expect(resolution(r)).toEqual([]);
  });

  it('a serverRoot without a root file is an error, and the file is read alone', () => {
    const r = load({ file: '/x/a.conf', text: 'A\n' }, { fs: memoryFs({}), serverRoot: '/nowhere' });
    expect(r.mode).toBe('lone-file');
    expect(resolution(r)).toEqual(['config/no-root-file a.conf:1:1']);
  });
});

describe('lone-file mode', () => {
  it('a file outside any tree gets the default Debian context', () => {
    const r = load({ file: '/home/u/site.conf', text: '<IfModule dir_module>\nDirectoryIndex i\n</IfModule>\nErrorLog ${APACHE_LOG_DIR}/e\n' }, { fs: memoryFs({}) });
    expect(r.mode).toBe('lone-file');
    expect(r.serverRoot).toBeNull();
    expect(r.entryFile).toBe(r.root);
    expect(r.modules.source).toBe('debian-default');
    expect(r.modules.names).toEqual(defaultDebianModules());
    expect(applied(r)).toEqual(['DirectoryIndex i', 'ErrorLog /var/log/apache2/e']);
    expect(r.assumptions[0]).toContain('default `apt install apache2`');
  });

  it('a relative entry keeps its name in spans; its node has the absolute path', () => {
    const r = load({ file: 'rel/x.conf', text: '</Nope>\n' }, { fs: memoryFs({}) });
    expect(r.root.path).toBe(`${process.cwd()}/rel/x.conf`);
    expect(r.diagnostics[0]?.span.file).toBe('rel/x.conf');
  });

  it.each(['<stdin>', '-'])('stdin (%s) is read alone', (name) => {
    const r = load({ file: name, text: 'A\n' }, { fs: debianFs() });
    expect(r.mode).toBe('lone-file');
    expect(r.root.path).toBe(name);
    expect(r.entryFile).toBe(r.root);
    expect(applied(r)).toEqual(['A']);
  });

  it('noTreeDetection reads a file inside a tree alone', () => {
    const r = load({ file: '/etc/apache2/sites-available/000-default.conf' }, { fs: debianFs(), noTreeDetection: true });
    expect(r.mode).toBe('lone-file');
    expect(filesRead(r)).toEqual(['/etc/apache2/sites-available/000-default.conf']);
  });

  it('relative Includes are read from /etc/apache2, and it says so', () => {
    const r = load({ file: '/t/x.conf', text: 'Include ports.conf\n' }, { fs: debianFs(), noTreeDetection: true });
    expect(filesRead(r)).toEqual(['/t/x.conf', '/etc/apache2/ports.conf']);
    expect(r.assumptions.join('\n')).toContain('relative paths are read from /etc/apache2');
  });

  it('LoadModule lines add to the default set', () => {
    const r = load({ file: '/t/x.conf', text: 'LoadModule proxy_module m.so\n' }, { fs: memoryFs({}) });
    expect(r.modules.names.has('proxy')).toBe(true);
    expect(r.modules.names.has('dir')).toBe(true);
  });

  it('an unreadable entry is an error, not an exception', () => {
    const r = load({ file: '/nope.conf' }, { fs: memoryFs({}) });
    expect(r.entryFile).toBeNull();
    expect(r.diagnostics[0]?.code).toBe('config/entry-not-found');
  });

  it('keeps syntax diagnostics of every file read', () => {
    const fs = memoryFs({ '/t/a.conf': '<VirtualHost *:80>\n' });
    const r = load({ file: '/t/x.conf', text: 'Include /t/a.conf\n</Directory>\n' }, { fs, noTreeDetection: true });
    expect(r.diagnostics.map((d) => `${d.code} ${d.span.file}`)).toEqual(['syntax/stray-close /t/x.conf', 'syntax/unclosed-section /t/a.conf']);
  });
});

describe('robustness', () => {
  it('deep nesting does not overflow the stack', () => {
    const depth = 20_000;
    const text = '<IfDefine !X>\n'.repeat(depth) + 'Deep\n' + '</IfDefine>\n'.repeat(depth);
    const r = load({ file: '/t/x.conf', text }, { fs: memoryFs({}), noTreeDetection: true });
    expect(applied(r)).toEqual(['Deep']);
  }, 30_000);

  it('20k virtual hosts resolve (linear work)', () => {
    const vhost = (i: number): string => `<VirtualHost *:80>\n  ServerName h${i}.test\n  ProxyPass / http://b${i}:\${P}/\n</VirtualHost>\n`;
    const text = `Define P 8080\n${Array.from({ length: 20_000 }, (_, i) => vhost(i)).join('')}`;
    const r = load({ file: '/t/x.conf', text }, { fs: memoryFs({}), noTreeDetection: true });
    expect(applied(r)).toHaveLength(1 + 40_000);
    expect(applied(r)[2]).toBe('ProxyPass / http://b0:8080/');
  }, 30_000);

  it('never throws on arbitrary text', () => {
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const alphabet = ['<', '>', '</', '${', '}', '$', '\\\n', '\n', ' ', '"', "'", 'Include ', 'IfModule', 'Define ', 'x', '*', '/', '!', 'IncludeOptional ', '<IfVersion ', '~'];
    for (let i = 0; i < 300; i++) {
      let text = '';
      for (let j = rnd(80); j > 0; j--) text += alphabet[rnd(alphabet.length)];
      const r = load({ file: '/t/x.conf', text }, { fs: memoryFs({}) });
      // load() turns an internal exception into config/internal; none may happen.
      expect(r.diagnostics.filter((d) => d.code === 'config/internal')).toEqual([]);
    }
  });
});
