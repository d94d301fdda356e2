// The typed table of openapi.php resources served through a service instead of the object catalogue
// (spec §5.3): objects as Entities, reports and actions as Actions. A resource in neither answers 501.
import type { Resource } from './resource-table.ts';
import { extensionStateAction } from './extension-state-action.ts';
import { authTokenAction } from './auth-token-action.ts';
import { dialAction } from './dial-action.ts';
import { cdrReport, simpleCdrReport, type Action } from './report-actions.ts';
import type { Entity } from './service-entity.ts';
import { phonebookEntity, phonebookEntryEntity, settingEntity } from './setting-phonebook-entities.ts';
import { tenantEntity, userEntity } from './tenant-user-entities.ts';

export type ServedResource = { readonly kind: 'entity'; readonly entity: Entity } | { readonly kind: 'action'; readonly action: Action };

const entity = (e: Entity): ServedResource => ({ kind: 'entity', entity: e });
const action = (a: Action): ServedResource => ({ kind: 'action', action: a });

/** By the resource's object name (resource-table.ts). */
const SERVED: Readonly<Record<string, ServedResource>> = {
  tenant: entity(tenantEntity),
  user: entity(userEntity),
  setting: entity(settingEntity),
  phonebook: entity(phonebookEntity),
  phonebookentry: entity(phonebookEntryEntity),
  cdr: action(cdrReport),
  simplecdr: action(simpleCdrReport),
  'auth token': action(authTokenAction),
  'extension state': action(extensionStateAction),
  dial: action(dialAction),
};

export function servedBy(resource: Resource): ServedResource | undefined {
  return Object.hasOwn(SERVED, resource.object) ? SERVED[resource.object] : undefined;
}
