// The per-object rules the ObjectService runs, by object name. Each group file owns its objects' rules.
import { APP_RULES } from './app-rules.ts';
import { callerIdModRules } from './callerid-mod-rules.ts';
import { didRules } from './did-rules.ts';
import { extensionRules } from './extension-rules.ts';
import type { RulesBySchema } from './object-rules.ts';
import { ROUTING_RULES } from './routing-rules.ts';

export const OBJECT_RULES: RulesBySchema = {
  extension: extensionRules,
  ...ROUTING_RULES,
  ...APP_RULES,
  did: didRules,
  calleridmodification: callerIdModRules,
};
