// Catalogue objects: one generic service and the per-object rules it runs.
export { ObjectService, type ObjectScope } from './object-service.ts';
export { parsePayload, type WriteMode } from './object-payload.ts';
export type { ObjectRules, RulesBySchema, WriteContext } from './object-rules.ts';
export { extensionRules, generateSipSecret } from './extension-rules.ts';
export { OBJECT_RULES } from './rules.ts';
export { MediaFileService, MEDIA_FORMATS, DEFAULT_MEDIA_MAX_BYTES, detectAudioFormat, type MediaAudio, type MediaSettings } from './media-file-service.ts';
export { normalizeMac } from './app-rules.ts';
export { DestinationService } from './destination-service.ts';
export { ConditionInfoService } from './condition-info-service.ts';
export { createRoutingServices, type RoutingServices } from './routing-services.ts';
