/**
 * FLAG directives in the model: httpd reads the first word, On or Off in any case, ignores the rest, and refuses
 * anything else ("… must be On or Off", config.c invoke_cmd()) — one parser (directives/shapes.ts parseFlag) for
 * all of them, so `to-json` refuses what Apache refuses instead of reading a typo as Off.
 */
import { describe, expect, it } from 'vitest';
import { compileText, modelOf } from './helpers.js';

const VHOST = (inner: string): string => `<VirtualHost *:80>\n${inner}ProxyPass / http://127.0.0.1:9/\n</VirtualHost>\n`;

describe('FLAG directives', () => {
  it.each([
    ['ProxyPreserveHost', (m: ReturnType<typeof modelOf>) => m.virtualHosts[0]!.headers.preserveHost],
    ['ProxyAddHeaders', (m: ReturnType<typeof modelOf>) => m.virtualHosts[0]!.headers.addHeaders],
    ['KeepAlive', (m: ReturnType<typeof modelOf>) => m.virtualHosts[0]!.keepAlive],
  ])('%s: any case, the first word only', (name, read) => {
    expect(read(modelOf(VHOST(`${name} ON\n`)))).toBe(true);
    expect(read(modelOf(VHOST(`${name} oFF\n`)))).toBe(false);
    expect(read(modelOf(VHOST(`${name} On Off\n`)))).toBe(true);
    expect(read(modelOf(VHOST(`${name} off on\n`)))).toBe(false);
  });

  it.each(['ProxyPreserveHost', 'ProxyAddHeaders', 'ProxyRequests', 'RewriteEngine', 'KeepAlive', 'SSLProxyEngine', 'SSLProxyCheckPeerName', 'SSLHonorCipherOrder', 'SSLSessionTickets'])(
    '%s yes is refused with Apache\'s message, at its line',
    (name) => {
      const errors = compileText(VHOST(`${name} yes\n`)).diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => [d.code, d.message, d.span.line])).toEqual([['model/invalid-value', `${name} must be On or Off`, 2]]);
    },
  );

  it('a refused value leaves the setting as it was', () => {
    const { model } = compileText('ProxyPreserveHost On\n' + VHOST('ProxyPreserveHost yes\n'));
    expect(model?.mainServer.headers.preserveHost).toBe(true);
  });
});
