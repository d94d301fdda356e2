// Special destinations (SPECIAL-<id>): hang up, busy, congestion, decline, answer, silence, ringing. Other modules import from here only.
export { Special, type SpecialDeps } from './special.ts';
export { SPECIAL_DESTINATIONS, SPECIAL_HOLD_MS, specialDestination, type SpecialAction, type SpecialDestination } from './special-catalogue.ts';
