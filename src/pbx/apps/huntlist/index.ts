// Ring groups (HUNTLIST-<id>). Other modules import from here only.
export { HuntList, type HuntlistDeps } from './huntlist.ts';
export { StoreHuntlistDirectory, huntlistSettings, type HuntlistDirectory, type HuntlistSettings, type HuntStrategy } from './huntlist-settings.ts';
