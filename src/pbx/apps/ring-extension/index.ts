// Ringing an extension (EXT-<id>) with its forwarding slots. Other modules import from here only.
export { RingExtension, type RingExtensionDeps } from './ring-extension.ts';
