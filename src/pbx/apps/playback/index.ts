// Playing a tenant's media file to the caller (PLAYBACK-<id>). Other modules import from here only.
export { Playback, type MediaFileDirectory } from './playback.ts';
