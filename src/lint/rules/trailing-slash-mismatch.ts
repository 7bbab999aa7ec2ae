/**
 * A ProxyPass (or ProxyPassReverse) whose path and URL disagree about the trailing slash. mod_proxy.c
 * proxy_trans() builds the backend URL as target + the rest of the path after the matched prefix, so
 * `ProxyPass /app/ http://b:8080` sends `/app/x` to `http://b:8080x` (Apache answers 500, or a request to the
 * wrong host), and `ProxyPass /app http://b/` sends `/app/x` as `//x`. ProxyPassReverse maps the other way: with
 * `ProxyPassReverse /app http://b/` a redirect to `http://b/x` becomes `/appx`.
 */
import { splitUrl, urlPathEndsWithSlash } from '../paths.js';
import { defineRule } from './define.js';

function pathEndsWithSlash(p: string): boolean {
  return p.endsWith('/');
}

export const trailingSlashMismatch = defineRule(
  { id: 'trailing-slash-mismatch', description: 'a ProxyPass or ProxyPassReverse path and URL that disagree about the trailing slash', severity: 'error' },
  (context) => {
    const index = context.proxy();
        for (const p of index.passes) {
      if (p.exclusion || p.regex || p.pathInLocation) continue;
      const urlSlash = urlPathEndsWithSlash(p.target);
      if (urlSlash === null) continue;
      const pathSlash = pathEndsWithSlash(p.path);
      if (pathSlash === urlSlash) continue;
      const u = splitUrl(p.target)!;
      const written = p.location ? `<${p.location.name} ${p.path}> ProxyPass ${p.target}` : `ProxyPass ${p.path} ${p.target}`;
      if (pathSlash) {
        // `ProxyPass / http://b` is the classic; `/x` becomes `http://bx`.
        context.report({
          message: `${written}: the path ends with / and the URL does not, so ${p.path}x is sent to ${p.target}x — a broken URL (Apache answers 500 or asks the wrong host)`,
          span: p.targetSpan,
          hint: p.location ? `ProxyPass ${p.target}/` : `ProxyPass ${p.path} ${p.target}/`,
        });
      } else {
        context.report({
          message: `${written}: the URL ends with / and the path does not, so ${p.path}/x is sent as ${u.path}/x with a doubled slash`,
          span: p.targetSpan,
          hint: p.location ? `<${p.location.name} ${p.path}/> … or ProxyPass ${p.target.replace(/\/+$/, '')}` : `ProxyPass ${p.path} ${p.target.replace(/\/+$/, '')}`,
          severity: 'warning',
        });
      }
    }
    for (const r of index.reverses) {
      if (r.location !== null) continue;
      const urlSlash = urlPathEndsWithSlash(r.url);
      if (urlSlash === null) continue;
      const pathSlash = pathEndsWithSlash(r.path);
      if (pathSlash === urlSlash) continue;
      context.report({
        message: pathSlash
          ? `ProxyPassReverse ${r.path} ${r.url}: the path ends with / and the URL does not, so a redirect to ${r.url}/x becomes ${r.path}/x with a doubled slash`
          : `ProxyPassReverse ${r.path} ${r.url}: the URL ends with / and the path does not, so a redirect to ${r.url}x becomes ${r.path}x`,
        span: r.urlSpan,
        hint: pathSlash ? `ProxyPassReverse ${r.path} ${r.url}/` : `ProxyPassReverse ${r.path} ${r.url.replace(/\/+$/, '')}`,
        severity: 'warning',
      });
    }
  },
);
