/**
 * The balancer-manager in a real browser: Debian's chromium driven by playwright-core (no browser download). Open
 * the page, follow a member's link, switch "Disabled" on, submit — the browser sends the form with the nonce and
 * a same-host Referer, as an operator's would — then requests no longer reach that member.
 *
 * Skipped, with the reason, when /usr/bin/chromium or the playwright-core package is missing.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startTextBackend, type Backend } from '../support/backends.js';
import { balancer, closeAll, model, route, serve, server } from '../runtime/fixture.js';

const CHROMIUM = process.env['APX_CHROMIUM'] ?? '/usr/bin/chromium';

interface Playwright {
  chromium: {
    launch(opts: { executablePath: string; args?: string[]; headless?: boolean }): Promise<{
      newPage(): Promise<{
        goto(url: string): Promise<unknown>;
        click(selector: string): Promise<void>;
        check(selector: string): Promise<void>;
        waitForLoadState(state: 'load'): Promise<void>;
        content(): Promise<string>;
        title(): Promise<string>;
      }>;
      close(): Promise<void>;
    }>;
  };
}

async function loadPlaywright(): Promise<Playwright | string> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install -y chromium)`;
  try {
    // A variable specifier, so type-checking does not need the package installed.
    const name = 'playwright-core';
    return (await import(name)) as Playwright;
  } catch {
    return 'playwright-core is not installed (npm install --save-dev playwright-core)';
  }
}

const pw = await loadPlaywright();
if (typeof pw === 'string') console.log(`skipping the balancer-manager browser test: ${pw}`);

describe.skipIf(typeof pw === 'string')(`balancer-manager in chromium${typeof pw === 'string' ? ` (skipped: ${pw})` : ''}`, () => {
  let a: Backend;
  let b: Backend;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTextBackend('A'), startTextBackend('B')]);
  });
  afterAll(async () => {
    await closeAll();
    await Promise.all([a?.close(), b?.close()]);
  });

  it('a click that disables a member: requests no longer reach it', async () => {
    const p = await serve(
      model({
        mainServer: server({
          routes: [route('/app', 'balancer://c')],
          handlers: [{ path: '/balancer-manager', handler: 'balancer-manager', require: [['ip', '127.0.0.1']], span: null }],
        }),
        balancers: [balancer('c', [a.url, b.url])],
      }),
    );
    const seq = async (n: number): Promise<string> => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push((await request(`${p.url}/app/x`)).text);
      return out.join(' ');
    };
    expect(await seq(4)).toBe('A B A B');

    const browser = await (pw as Playwright).chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'], headless: true });
    try {
      const page = await browser.newPage();
      await page.goto(`${p.url}/balancer-manager`);
      expect(await page.title()).toBe('Balancer Manager');
      await page.click(`a:text-is("${a.url}")`);
      await page.waitForLoadState('load');
      expect(await page.content()).toContain(`Edit worker settings for ${a.url}`);
      await page.check('#w_status_D1');
      await page.click('input[type=submit]');
      await page.waitForLoadState('load');
      expect(await page.content()).toContain('Init Dis');
    } finally {
      await browser.close();
    }
    expect(await seq(4)).toBe('B B B B');
  }, 60_000);
});
