/** Every rule apx has, in the order `apx lint --help` and docs/rules/README.md list them. */
import type { Rule } from '../types.js';
import { unknownDirective } from './unknown-directive.js';
import { moduleNotLoaded } from './module-not-loaded.js';
import { directiveContext } from './directive-context.js';
import { argumentCount } from './argument-count.js';
import { invalidValue } from './invalid-value.js';
import { proxyHandlerMissing } from './proxy-handler-missing.js';
import { balancerProviderMissing } from './balancer-provider-missing.js';
import { proxyParamInvalid } from './proxy-param-invalid.js';
import { balancerNoMembers } from './balancer-no-members.js';
import { proxyPassReverseMissing } from './proxy-pass-reverse-missing.js';
import { proxyPassReverseMismatch } from './proxy-pass-reverse-mismatch.js';
import { trailingSlashMismatch } from './trailing-slash-mismatch.js';
import { proxyPassShadowed } from './proxy-pass-shadowed.js';
import { proxyRequestsOpen } from './proxy-requests-open.js';
import { duplicateServerName } from './duplicate-server-name.js';
import { vhostPortNotListened } from './vhost-port-not-listened.js';
import { handlerUnprotected } from './handler-unprotected.js';
import { rewriteDollarVariable } from './rewrite-dollar-variable.js';
import { nginxVariable } from './nginx-variable.js';
import { sslCertificateMissing } from './ssl-certificate-missing.js';
import { proxyWorkerShared } from './proxy-worker-shared.js';
import { sslProtocolCipher } from './ssl-protocol-cipher.js';

export const RULES: readonly Rule[] = [
  unknownDirective,
  moduleNotLoaded,
  directiveContext,
  argumentCount,
  invalidValue,
  proxyHandlerMissing,
  balancerProviderMissing,
  proxyParamInvalid,
  balancerNoMembers,
  proxyPassReverseMissing,
  proxyPassReverseMismatch,
  trailingSlashMismatch,
  proxyPassShadowed,
  proxyWorkerShared,
  proxyRequestsOpen,
  duplicateServerName,
  vhostPortNotListened,
  handlerUnprotected,
  sslCertificateMissing,
  sslProtocolCipher,
  rewriteDollarVariable,
  nginxVariable,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
