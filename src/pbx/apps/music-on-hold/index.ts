// Music on hold: classes from the store, and the MUSICONHOLD-<id> step that chooses one for a call. Other modules import from here only.
export { StoreMohDirectory } from './store-moh-directory.ts';
export { MusicOnHoldStep } from './music-on-hold-step.ts';
