// The dialplan module: what a dialled number reaches inside a tenant.
export { resolveDialled, type DialTarget } from './resolve-dialled.ts';
export type { DialplanDirectory, ExtensionTarget } from './ports.ts';
