// A DID's unconditional forward from a call: switching it (ENABLE/DISABLE/TOGGLEUNCONDITIONALDID-<did id>) and
// keying in its number (SETUNCONDITIONALDID-<did id>). Other modules import from here only.
export { DidForward, type DidForwardChange, type DidForwardDirectory } from './did-forward.ts';
export { SetUnconditionalDid, type SetUnconditionalDidDeps } from './set-unconditional-did.ts';
export { checkForwardNumber, MAX_FORWARD_DIGITS, type ForwardNumberCheck } from './forward-number.ts';
export { StoreDidForwardDirectory } from './store-did-forward-directory.ts';
