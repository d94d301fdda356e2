// Catalogue objects: one generic service and the per-object rules it runs.
export { ObjectService, type ObjectScope } from './object-service.ts';
export { parsePayload, type WriteMode } from './object-payload.ts';
export type { ObjectRules, RulesBySchema, WriteContext } from './object-rules.ts';
export { extensionRules, generateSipSecret } from './extension-rules.ts';
export { OBJECT_RULES } from './rules.ts';
