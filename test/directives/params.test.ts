import { describe, expect, it } from 'vitest';
import {
  formatParamError,
  validateBalancerParam,
  validateProxyPassWord,
  validateWorkerParam,
  WORKER_PARAMS,
  BALANCER_PARAMS,
} from '../../src/directives/params.js';
import { allModules } from '../../src/directives/modules.js';
import { apacheSays, haveApache, noApacheReason } from './apache-says.js';

const ALL = new Set(allModules().map((m) => m.name));
const PROXY_ONLY = new Set(['proxy', 'proxy_http']);

/**
 * [key, value, message or null]: the message is set_worker_param()'s own text. Every row was run through
 * `ProxyPass / http://b/ key=value` on Apache 2.4.71 with every Debian module loaded; it answered
 * "ProxyPass <message>" (or Syntax OK). E.g. retries=3 → "ProxyPass unknown Worker hcheck parameter"
 * (mod_proxy_hcheck loaded; "unknown Worker parameter" without it) and timeout=soon → "ProxyPass Timeout must be
 * at least one second". The differential block below re-runs them when apache2 is installed.
 */
const WORKER_ROWS: [string, string, string | null][] = [
  ['retries', '3', 'unknown Worker hcheck parameter'],
  ['timeout', 'soon', 'Timeout must be at least one second'],
  ['timeout', '0', 'Timeout must be at least one second'],
  ['timeout', '30', null],
  ['timeout', '1.5', null], // atoi: 1
  ['timeout', '3abc', null], // atoi: 3
  ['TIMEOUT', '3', null], // keys compare case-insensitively
  ['connectiontimeout', '2mi', null],
  ['connectiontimeout', '500ms', null],
  ['connectiontimeout', '1x', 'Connectiontimeout has wrong format'],
  ['connectiontimeout', '0', 'Connectiontimeout must be at least one millisecond.'],
  ['ping', '500ms', null],
  ['ping', 'soon', 'Ping/Pong timeout must be at least one millisecond'], // "s…" is the seconds unit: 0 s
  ['ping', '5m', 'Ping/Pong timeout has wrong format'],
  ['ping', '5min', null],
  ['ping', '-5', 'Ping/Pong timeout has wrong format'],
  ['acquire', '1', null],
  ['acquire', '0', 'Acquire must be at least one millisecond'],
  ['acquire', '0.5s', 'Acquire timeout has wrong format'],
  ['loadfactor', '0.5', 'LoadFactor must be a number between 1..100'],
  ['loadfactor', '0.999', 'LoadFactor must be a number between 1..100'],
  ['loadfactor', '1.5', null],
  ['loadfactor', '100.001', null], // (int)(100.001 * 100) = 10000
  ['loadfactor', '100.01', 'LoadFactor must be a number between 1..100'],
  ['loadfactor', '0x10', null], // atof reads hexadecimal
  ['lbset', '99', null],
  ['lbset', '100', 'lbset must be between 0 and 99'],
  ['retry', '0', null],
  ['retry', '-1', 'Retry must be a positive value'],
  ['ttl', '0', 'TTL must be at least one second'],
  ['min', '-1', 'Min must be a positive number'],
  ['max', '-2', 'Max must be a positive number'],
  ['smax', '-2', 'Smax must be a positive number'],
  ['keepalive', 'ON', null],
  ['keepalive', 'yes', 'KeepAlive must be On|Off'],
  ['disablereuse', 'maybe', 'DisableReuse must be On|Off'],
  ['enablereuse', 'maybe', 'EnableReuse must be On|Off'],
  ['flushpackets', 'auto', null],
  ['flushpackets', 'maybe', 'flushpackets must be on|off|auto'],
  ['flushwait', '1001', 'flushwait must be <= 1000, or 0 for system default of 10 millseconds.'],
  ['iobuffersize', '100', 'IOBufferSize must be >= 512 bytes, or 0 for system default.'],
  ['iobuffersize', '0', null],
  ['receivebuffersize', '100', 'ReceiveBufferSize must be >= 512 bytes, or 0 for system default.'],
  ['responsefieldsize', '-1', 'ResponseFieldSize must be greater than 0 bytes, or 0 for system default.'],
  ['status', '+h', null],
  ['status', 'DS', null],
  ['status', '-d', null],
  ['status', '', null],
  ['status', '+X', 'Unknown status parameter option'],
  ['status', '+', 'Unknown status parameter option'],
  ['status', 'D+', 'Unknown status parameter option'],
  ['route', 'r'.repeat(63), null],
  ['route', 'r'.repeat(64), 'Route length must be < 64 characters'],
  ['redirect', 'r'.repeat(64), 'Redirect length must be < 64 characters'],
  ['flusher', 'f'.repeat(16), 'flusher name length must be < 16 characters'],
  ['upgrade', 'websocket', null],
  ['upgrade', 'u'.repeat(16), 'upgrade protocol length must be < 16 characters'],
  ['secret', 's'.repeat(64), 'Secret length must be < 64 characters'],
  ['hcmethod', 'GET', null],
  ['hcmethod', 'CPING', null],
  ['hcmethod', 'provider', 'Health check method provider not (yet) implemented'],
  ['hcmethod', 'FOO', 'Unknown method'],
  ['hcinterval', '100ms', null],
  ['hcinterval', '50ms', 'Interval must be a positive value greater than 100ms'],
  ['hcinterval', 'x', 'Unparse-able hcinterval setting'],
  ['hcpasses', '-1', 'Passes must be a positive value'],
  ['hcfails', '-1', 'Fails must be a positive value'],
  ['hcuri', 'u'.repeat(64), 'Health check uri length must be < 64 characters'],
  ['hcexpr', 'nope', 'Unknown health check condition expr: nope'],
  ['hctemplate', 'nope', 'Unknown ProxyHCTemplate name: nope'],
  ['address', 'x', 'unknown Worker hcheck parameter'],
  ['', '3', 'unknown Worker hcheck parameter'],
];

/** `ProxyPass / balancer://x/ key=value` on 2.4.71 with every module: "ProxyPass <message>". */
const BALANCER_ROWS: [string, string, string | null][] = [
  ['retries', '3', 'unknown Balancer parameter'],
  ['lbmethod', 'byrequests', null],
  ['lbmethod', 'bogus', 'unknown lbmethod'],
  ['lbmethod', 'ByRequests', 'unknown lbmethod'], // provider names are case-sensitive
  ['LBMETHOD', 'bytraffic', null],
  ['timeout', '0', 'timeout must be at least one second'],
  ['stickysessionsep', 'ab', 'stickysessionsep must be a single character or Off'],
  ['stickysessionsep', 'off', null],
  ['stickysession', 'x'.repeat(100), null], // too long is cut, not refused
  ['failonstatus', '500,503', null],
  ['failonstatus', '500, 99', 'failonstatus must be one or more HTTP response codes'],
  ['failonstatus', '600', 'failonstatus must be one or more HTTP response codes'],
  ['growth', '0', 'growth must be between 1 and 100'],
  ['nofailover', 'maybe', 'failover must be On|Off'],
  ['maxattempts', '-1', 'maximum number of attempts must be a positive number'],
  ['forcerecovery', 'x', 'forcerecovery must be On|Off'],
  ['failontimeout', 'x', 'failontimeout must be On|Off'],
  ['scolonpathdelim', 'x', 'scolonpathdelim must be On|Off'],
  ['nonce', 'None', null],
  ['nonce', 'n'.repeat(36), null],
  ['nonce', 'n'.repeat(37), 'Provided nonce is too large'],
];

describe('validateWorkerParam', () => {
  it.each(WORKER_ROWS)('%s=%s → %s', (key, value, expected) => {
    expect(validateWorkerParam(key, value, { modules: ALL, hcExpressions: new Set(), hcTemplates: new Set() })).toBe(expected);
  });

  it('knows hc* keys only with mod_proxy_hcheck, and words unknown keys as Apache does', () => {
    // Apache 2.4.71 with only proxy and proxy_http: "ProxyPass unknown Worker parameter" for both.
    expect(validateWorkerParam('hcmethod', 'GET', { modules: PROXY_ONLY })).toBe('unknown Worker parameter');
    expect(validateWorkerParam('retries', '3', { modules: PROXY_ONLY })).toBe('unknown Worker parameter');
    expect(validateWorkerParam('retries', '3')).toBe('unknown Worker parameter');
    expect(validateWorkerParam('hcmethod', 'GET')).toBeNull();
  });

  it('checks hcexpr/hctemplate names only when told which exist', () => {
    expect(validateWorkerParam('hcexpr', 'ok200')).toBeNull();
    expect(validateWorkerParam('hcexpr', 'ok200', { hcExpressions: new Set(['ok200']) })).toBeNull();
    expect(validateWorkerParam('hctemplate', 'TCP1', { hcTemplates: new Set(['tcp1']) })).toBeNull();
  });

  it('documents every key', () => {
    for (const p of [...WORKER_PARAMS, ...BALANCER_PARAMS]) {
      expect(p.description.length, p.key).toBeGreaterThan(5);
      expect(p.default, p.key).not.toBe('');
    }
  });
});

describe('validateBalancerParam', () => {
  it.each(BALANCER_ROWS)('%s=%s → %s', (key, value, expected) => {
    expect(validateBalancerParam(key, value, { modules: ALL })).toBe(expected);
  });

  it('needs the lbmethod module loaded', () => {
    // Apache 2.4.71 with proxy and proxy_http only: "ProxyPass unknown lbmethod" for lbmethod=byrequests.
    expect(validateBalancerParam('lbmethod', 'byrequests', { modules: PROXY_ONLY })).toBe('unknown lbmethod');
    expect(validateBalancerParam('lbmethod', 'bybusyness', { modules: new Set(['lbmethod_bybusyness']) })).toBeNull();
  });
});

describe('validateProxyPassWord', () => {
  it.each([
    ['nocanon', 'worker', null],
    ['NoCanon', 'worker', null],
    ['interpolate', 'balancer', null],
    ['noquery', 'worker', null],
    ['mapping=servlet', 'worker', null],
    ['mapping=foo', 'worker', 'unknown mapping'],
    ['foo', 'worker', "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'."],
    ['timeout=soon', 'worker', 'Timeout must be at least one second'],
    ['timeout=soon', 'balancer', 'timeout must be at least one second'],
    ['nocanon=1', 'worker', 'unknown Worker parameter'],
  ] as const)('%s (%s) → %s', (word, target, expected) => {
    expect(validateProxyPassWord(word, target)).toBe(expected);
  });
});

describe('formatParamError', () => {
  it('prefixes the way each directive does', () => {
    expect(formatParamError('ProxyPass', 'Timeout must be at least one second', 'timeout', 'soon', '/')).toBe('ProxyPass Timeout must be at least one second');
    expect(formatParamError('ProxyPass', 'unknown mapping', 'mapping', 'x', '/')).toBe('unknown mapping');
    expect(formatParamError('BalancerMember', 'LoadFactor must be a number between 1..100', 'loadfactor', '0', 'http://a')).toBe('BalancerMember LoadFactor must be a number between 1..100');
    expect(formatParamError('ProxySet', 'timeout must be at least one second', 'timeout', '0', 'balancer://x')).toBe('ProxySet: timeout must be at least one second timeout=0; balancer://x');
    expect(formatParamError('Proxy', 'unknown lbmethod', 'lbmethod', 'nope', 'balancer://x')).toBe('<Proxy unknown lbmethod lbmethod=nope; balancer://x');
  });
});

describe.skipIf(!haveApache)(`the same tables on real Apache${haveApache ? '' : ` (skipped: ${noApacheReason})`}`, () => {
  const quoted = (key: string, value: string): string => `"${key}=${value}"`;
  it.each(WORKER_ROWS)('ProxyPass / http://b/ %s=%s', async (key, value, expected) => {
    const said = await apacheSays(`ProxyPass / http://b/ ${quoted(key, value)}`);
    expect(said).toBe(expected === null ? null : formatParamError('ProxyPass', expected, key, value, '/'));
  });
  it.each(BALANCER_ROWS)('ProxyPass / balancer://x/ %s=%s', async (key, value, expected) => {
    const said = await apacheSays(`ProxyPass / balancer://x/ ${quoted(key, value)}`);
    expect(said).toBe(expected === null ? null : formatParamError('ProxyPass', expected, key, value, '/'));
  });
  it('words errors without mod_proxy_hcheck as the unit rows say', async () => {
    expect(await apacheSays('ProxyPass / http://b/ hcmethod=GET', ['proxy', 'proxy_http'])).toBe('ProxyPass unknown Worker parameter');
    expect(await apacheSays('ProxyPass / balancer://x/ lbmethod=byrequests', ['proxy', 'proxy_http'])).toBe('ProxyPass unknown lbmethod');
  });
  it('prefixes ProxySet and <Proxy> errors as formatParamError does', async () => {
    expect(await apacheSays('<Proxy balancer://x>\nProxySet timeout=0\n</Proxy>')).toBe(formatParamError('ProxySet', 'timeout must be at least one second', 'timeout', '0', 'balancer://x'));
    expect(await apacheSays('<Proxy balancer://x lbmethod=nope>\n</Proxy>')).toBe(formatParamError('Proxy', 'unknown lbmethod', 'lbmethod', 'nope', 'balancer://x'));
    expect(await apacheSays('<Proxy balancer://x>\nBalancerMember http://a loadfactor=0\n</Proxy>')).toBe('BalancerMember LoadFactor must be a number between 1..100');
    // mapping= is ProxyPass's own: a worker parameter elsewhere
    expect(await apacheSays('<Proxy balancer://x>\nBalancerMember http://a mapping=servlet\n</Proxy>')).toBe('BalancerMember unknown Worker hcheck parameter');
  });
});
