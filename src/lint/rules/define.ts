/** Small helper so each rule file states only its id, description, severity and check. */
import { docsPath, type Rule, type RuleContext, type RuleSeverity } from '../types.js';

export function defineRule(meta: { id: string; description: string; severity: RuleSeverity }, check: (context: RuleContext) => void): Rule {
  return { meta: { ...meta, docs: docsPath(meta.id) }, check };
}
