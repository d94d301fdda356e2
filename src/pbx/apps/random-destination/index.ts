// Random destinations (CUSTOM-<id> of type RANDOMDESTINATION). Other modules import from here only.
export { RandomDestination, RANDOM_DESTINATION_TYPE, RANDOM_SLOTS, type RandomDestinationDeps } from './random-destination.ts';
