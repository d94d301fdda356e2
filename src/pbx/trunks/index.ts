// Outbound registration of SIP trunks (RFC 3261 §10.2 as a UAC): Callgrid registering to its carriers.
export { TrunkRegistrar, type TrunkRegistrarDeps, type TrunkRegistrarOptions } from './trunk-registrar.ts';
export { StoreTrunkDirectory } from './store-trunk-directory.ts';
export { backoffMs, refreshDelayMs } from './trunk-registration.ts';
export { resolveTrunkHost, type ResolveHost } from './trunk-host.ts';
export type { TrunkDirectory, TrunkState, TrunkStatus } from './trunk-ports.ts';
