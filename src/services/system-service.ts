// Installation-wide facts: the service end date (LICENSEDAYS) and live call counts.
import type { ChannelRegistry } from '../pbx/index.ts';
import type { Clock } from '../shared/index.ts';

const DAY_MS = 86_400_000;

export class SystemService {
  constructor(
    private readonly clock: Clock,
    private readonly channels: ChannelRegistry,
    private readonly serviceEndDate: string | undefined,
    readonly nodeName: string,
  ) {}

  /** Whole days from today (UTC) to the configured end date; negative once past; null when none is set. */
  licenseDaysLeft(): number | null {
    if (this.serviceEndDate === undefined) return null;
    const today = Date.UTC(this.clock.now().getUTCFullYear(), this.clock.now().getUTCMonth(), this.clock.now().getUTCDate());
    return Math.round((Date.parse(`${this.serviceEndDate}T00:00:00Z`) - today) / DAY_MS);
  }

  countCalls(tenantId?: number): number {
    return this.channels.countCalls(tenantId);
  }
}
