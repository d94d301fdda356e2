// Rules of the application and media objects (see domain/objects/catalogue-apps.ts).
import type { RulesBySchema } from './object-rules.ts';

export const APP_RULES: RulesBySchema = {};
