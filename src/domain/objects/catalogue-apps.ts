// Application and media objects (queues, conferences, music on hold, media files, voicemail boxes,
// phones, flows, campaigns, feature codes, ...), by MANAGEDB name.
import type { ObjectSchema } from './object-schema.ts';

export const APP_OBJECTS: Readonly<Record<string, ObjectSchema>> = {};
