// Rules of the numbers and routing objects (see domain/objects/catalogue-routing.ts).
import type { RulesBySchema } from './object-rules.ts';

export const ROUTING_RULES: RulesBySchema = {};
