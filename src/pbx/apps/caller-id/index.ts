// Changing who is calling for the rest of a call: CLIDNAMEBYPHONEBOOK-<phonebook id>, CALLERIDMOD-<rule id>. Other modules import from here only.
export { ClidNameByPhonebook, entryName, MAX_CALLER_NAME, type ClidNameDeps } from './clid-name-by-phonebook.ts';
export { CallerIdMod, type CallerIdRuleDirectory } from './caller-id-mod.ts';
export { applyCallerIdRule, type CallerIdRule, type RuleResult } from './caller-id-rule.ts';
export { StoreCallerIdRuleDirectory, callerIdRuleOf } from './store-caller-id-rule-directory.ts';
