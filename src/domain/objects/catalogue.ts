// Every PBX configuration object Callgrid stores, by MANAGEDB name. Each group file owns its objects.
import { APP_OBJECTS } from './catalogue-apps.ts';
import { ROUTING_OBJECTS } from './catalogue-routing.ts';
import { extensionSchema } from './extension.ts';
import type { ObjectSchema } from './object-schema.ts';

export const CATALOGUE: Readonly<Record<string, ObjectSchema>> = {
  extension: extensionSchema,
  ...ROUTING_OBJECTS,
  ...APP_OBJECTS,
};

/** The schema of a stored object by name; throws on a name not in the catalogue (a programming error). */
export function schemaOf(name: string): ObjectSchema {
  const schema = CATALOGUE[name];
  if (!schema) throw new Error(`No object schema named ${name}`);
  return schema;
}
