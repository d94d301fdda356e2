// The providers Callgrid registers to, read from the store (pr_providers, spec §3.4.7) through providerTarget:
// enabled SIP/PJSIP providers with a fixed host and a username and password (registersTo).
import type { Store } from '../../store/index.ts';
import { providerTarget, type SipTrunkTarget } from '../dialplan/index.ts';
import type { TrunkDirectory } from './trunk-ports.ts';

export class StoreTrunkDirectory implements TrunkDirectory {
  constructor(private readonly store: Store) {}

  async registeringTrunks(): Promise<SipTrunkTarget[]> {
    // Providers are few (carriers, not phones), so the whole global table is read each time.
    const rows = await this.store.objects('provider').list(null);
    const targets: SipTrunkTarget[] = [];
    for (const row of rows) {
      const parsed = providerTarget(row);
      if (parsed.ok && parsed.target.registers && parsed.target.auth !== undefined) targets.push(parsed.target);
    }
    return targets;
  }
}
