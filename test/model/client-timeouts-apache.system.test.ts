/**
 * The start-up refusals apx's compiler reports for RequestReadTimeout, KeepAliveTimeout, ProxyHCExpr and
 * ProxyHCTemplate (test/model/client-timeouts-cases.ts), checked against the real apache2: `apache2 -t` with the
 * same line refuses it with the same message ("AH00526: Syntax error on line N of FILE:" and then that message),
 * and accepts the lines apx accepts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { apacheAvailable, apacheSkipReason, configTest, createServerRoot, disposeAllApache } from '../support/apache.js';
import { ACCEPTED, CLIENT_TIMEOUT_REFUSALS, HEALTH_CHECK_REFUSALS } from './client-timeouts-cases.js';

// mod_reqtimeout and mod_proxy_hcheck (watchdog is built into Debian's apache2).
const MODULES = ['reqtimeout', 'proxy_http', 'proxy_balancer', 'lbmethod_byrequests', 'proxy_hcheck'];

describe.skipIf(!apacheAvailable())(`apache2 -t says what apx says ${apacheSkipReason()}`, () => {
  afterAll(disposeAllApache);

  it.each([...CLIENT_TIMEOUT_REFUSALS, ...HEALTH_CHECK_REFUSALS])('%s is refused: %s', async (directive, message) => {
    const root = await createServerRoot({ modules: MODULES, config: `${directive}\n` });
    const r = await configTest(root);
    expect(r.ok, r.output).toBe(false);
    expect(r.output).toContain('AH00526: Syntax error on line');
    expect(r.output.split('\n')).toContain(message);
  });

  it.each(ACCEPTED)('%s is accepted', async (lines) => {
    const root = await createServerRoot({ modules: MODULES, config: `${lines}\n` });
    const r = await configTest(root);
    expect(r.ok, r.output).toBe(true);
  });
});
