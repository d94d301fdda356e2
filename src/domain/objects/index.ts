// PBX configuration objects: their schemas and the catalogue of them.
export * from './object-schema.ts';
export * from './catalogue.ts';
export { EXTENSION_TECHS, extensionSchema } from './extension.ts';
export * from './catalogue-routing.ts';
