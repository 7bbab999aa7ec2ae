/**
 * Directives apache2 2.4.71 refuses at start-up, with the message it prints (AH00526 "Syntax error on line N of
 * FILE:" then this line). client-timeouts.test.ts expects apx's compile diagnostics to say the same;
 * client-timeouts-apache.system.test.ts checks each against the real server.
 */
import { PROXY_MODULES } from './helpers.js';

/** The module set these tables are compiled (and apache2 is started) with. */
export const REQTIMEOUT_MODULES: readonly string[] = [...PROXY_MODULES, 'reqtimeout', 'proxy_hcheck', 'watchdog'];

export const CLIENT_TIMEOUT_REFUSALS: readonly (readonly [directive: string, message: string])[] = [
  ['RequestReadTimeout header=10-20', 'RequestReadTimeout: header=10-20: Must set MinRate option if using timeout range'],
  ['RequestReadTimeout header=10-5,MinRate=1', 'RequestReadTimeout: header=10-5,MinRate=1: Maximum timeout must be larger than initial timeout'],
  ['RequestReadTimeout header=5-5,minrate=3', 'RequestReadTimeout: header=5-5,minrate=3: Maximum timeout must be larger than initial timeout'],
  ['RequestReadTimeout head=5', 'RequestReadTimeout: head=5: Unknown RequestReadTimeout parameter'],
  ['RequestReadTimeout header', "Invalid RequestReadTimeout parameter. Parameter must be in the form 'key=value'"],
  ['RequestReadTimeout header=x', "RequestReadTimeout: header=x: Value 'x' not numerical"],
  ['RequestReadTimeout header=5x', "RequestReadTimeout: header=5x: Cannot parse 'x'"],
  ['RequestReadTimeout header=-5', 'RequestReadTimeout: header=-5: Must set MinRate option if using timeout range'],
  ['RequestReadTimeout header=5,MinRate=0', 'RequestReadTimeout: header=5,MinRate=0: Minimum data rate must be larger than 0'],
  ['RequestReadTimeout header=5,MinRate=abc', "RequestReadTimeout: header=5,MinRate=abc: Value 'abc' not numerical"],
  ['KeepAliveTimeout -1', 'KeepAliveTimeout has wrong format'],
  ['KeepAliveTimeout 5 6', 'KeepAliveTimeout takes one argument, Keep-Alive timeout duration (sec)'],
];

export const HEALTH_CHECK_REFUSALS: readonly (readonly [directive: string, message: string])[] = [
  ['ProxyHCExpr', 'Missing expression name for ProxyHCExpr'],
  ['ProxyHCExpr ok', 'Missing expression for ProxyHCExpr'],
  ['ProxyHCExpr ok {%{REQUEST_STATUS} =~ /^[23]/} extra', 'error: extra parameter(s)'],
  ['ProxyHCExpr abcdefghijklmnopqrstuvwxyz {true}', 'Expression name limited to 15 characters'],
  ['ProxyHCTemplate', 'Missing template name for ProxyHCTemplate'],
  ['ProxyHCTemplate t hcmethod', "Invalid ProxyHCTemplate parameter. Parameter must be in the form 'key=value'"],
  ['ProxyHCTemplate t hcmethod=FOO', 'ProxyHCTemplate: Unknown method hcmethod=FOO; t'],
  ['ProxyHCTemplate t hcmethod=CPING', 'ProxyHCTemplate: Health check method CPING not (yet) implemented hcmethod=CPING; t'],
  ['ProxyHCTemplate t hcinterval=0', 'ProxyHCTemplate: Interval must be a positive value greater than 100ms hcinterval=0; t'],
  ['ProxyHCTemplate t hcinterval=50ms', 'ProxyHCTemplate: Interval must be a positive value greater than 100ms hcinterval=50ms; t'],
  ['ProxyHCTemplate t hcinterval=5x', 'ProxyHCTemplate: Unparse-able hcinterval setting hcinterval=5x; t'],
  ['ProxyHCTemplate t hcpasses=-1', 'ProxyHCTemplate: Passes must be a positive value hcpasses=-1; t'],
  ['ProxyHCTemplate t hcexpr=nope', 'ProxyHCTemplate: Unknown health check condition expr: nope hcexpr=nope; t'],
  ['ProxyHCTemplate t hcfoo=1', 'ProxyHCTemplate: unknown Worker hcheck parameter hcfoo=1; t'],
  ['ProxyHCTemplate t hctemplate=u', 'ProxyHCTemplate: Unknown ProxyHCTemplate name: u hctemplate=u; t'],
  [`ProxyHCTemplate t hcuri=/${'a'.repeat(100)}`, `ProxyHCTemplate: Health check uri length must be < 64 characters hcuri=/${'a'.repeat(100)}; t`],
];

/** Lines apache2 accepts that are close to the refused ones (apx must not refuse them either). */
export const ACCEPTED: readonly string[] = [
  'RequestReadTimeout handshake=5 header=0',
  'RequestReadTimeout header=5-10,minrate=100 body=0-10,MinRate=5',
  'RequestReadTimeout header=+7 "body= 8"',
  'RequestReadTimeout',
  'KeepAliveTimeout 500ms',
  'KeepAliveTimeout 1min',
  'ProxyHCExpr ok {%{REQUEST_STATUS} =~ /^[23]/}',
  'ProxyHCExpr ok "%{REQUEST_STATUS} =~ /^[23]/"',
  'ProxyHCExpr ok {true}\nProxyHCTemplate t hcexpr=ok hcmethod=get hcpasses=x hcinterval=200ms\nProxyHCTemplate u hctemplate=T hcuri=/x',
];
