// The routing use cases beyond an object's CRUD (ObjectService): destination slots and condition infos.
import type { Store } from '../../store/index.ts';
import { ConditionInfoService } from './condition-info-service.ts';
import { DestinationService } from './destination-service.ts';

export interface RoutingServices {
  readonly destinations: DestinationService;
  readonly conditionInfos: ConditionInfoService;
}

export function createRoutingServices(store: Store): RoutingServices {
  return { destinations: new DestinationService(store), conditionInfos: new ConditionInfoService(store) };
}
