// Music-on-hold classes from the store. Other modules import from here only.
export { StoreMohDirectory } from './store-moh-directory.ts';
