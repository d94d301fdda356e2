// Dialling out through carriers: the OUT step (a number outside the tenant) and the custom destinations that name
// an external number (CUSTOM of type EXTERNALNUMBER). Other modules import from here only.
export { DialOut, type DialOutDeps, type DialOutRequest } from './dial-out.ts';
export { DialNumber, CustomDestinationStep, type CustomDeps } from './dial-steps.ts';
