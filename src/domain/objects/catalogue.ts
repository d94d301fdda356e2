// Every PBX configuration object Callgrid stores, by MANAGEDB name.
import { extensionSchema } from './extension.ts';
import type { ObjectSchema } from './object-schema.ts';

export const CATALOGUE: Readonly<Record<string, ObjectSchema>> = {
  extension: extensionSchema,
};

/** The schema of a stored object by name; throws on a name not in the catalogue (a programming error). */
export function schemaOf(name: string): ObjectSchema {
  const schema = CATALOGUE[name];
  if (!schema) throw new Error(`No object schema named ${name}`);
  return schema;
}
