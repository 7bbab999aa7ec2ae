/**
 * Worker sharing against real Apache: a ProxyPass whose URL extends an existing worker's URL in the same server
 * reuses that worker, and parameters written on it are ignored — `apache2 -t` logs AH01146 "Ignoring parameter …
 * because of worker sharing". apx must warn `model/worker-shared` exactly when Apache logs AH01146.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { load } from '../../src/config/index.js';
import { compile } from '../../src/model/index.js';
import { apacheAvailable, apacheSkipReason, configTest, createServerRoot, disposeAllApache, type ServerRoot } from '../support/apache.js';

const ROWS: [string, string][] = [
  ['a longer URL after a shorter one', 'ProxyPass /a http://b:8080/ timeout=5\nProxyPass /c http://b:8080/app timeout=9\n'],
  ['the same URL twice, parameters on the second', 'ProxyPass /a http://b:8080/\nProxyPass /c http://b:8080/ retry=0\n'],
  ['a shorter URL after a longer one', 'ProxyPass /a http://b:8080/app timeout=5\nProxyPass /c http://b:8080/ timeout=9\n'],
  ['different hosts', 'ProxyPass /a http://b:8080/ timeout=5\nProxyPass /c http://c:8080/ timeout=9\n'],
  ['host case and the default port', 'ProxyPass /a http://B:80/ timeout=5\nProxyPass /c http://b/x keepalive=On\n'],
  ['separate virtual hosts', '<VirtualHost *:80>\nProxyPass /a http://b/ timeout=5\n</VirtualHost>\n<VirtualHost *:81>\nProxyPass /a http://b/x timeout=9\n</VirtualHost>\n'],
];

const INPUT = 'input.conf';
let root: ServerRoot | undefined;

describe.skipIf(!apacheAvailable())(`worker sharing: apx against apache2 -t ${apacheSkipReason()}`, () => {
  beforeAll(async () => {
    root = await createServerRoot({ modules: ['proxy_http'], files: { [INPUT]: '' }, include: INPUT, logLevel: 'info' });
  });
  afterAll(disposeAllApache);

  it.each(ROWS)('%s', async (_name, text) => {
    writeFileSync(root!.path(INPUT), text);
    const run = await configTest(root!);
    expect(run.ok, run.output).toBe(true);
    const apache = /AH01146/.test(run.output);
    const { diagnostics } = compile(load({ file: '/input.conf', text }, { noTreeDetection: true, modules: ['proxy', 'proxy_http'] }));
    const apx = diagnostics.some((d) => d.code === 'model/worker-shared');
    expect({ apx, output: run.output }).toEqual({ apx: apache, output: run.output });
  });
});
