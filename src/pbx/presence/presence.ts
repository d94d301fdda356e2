// The presence side of a node (RFC 6665 notifier): the device-state tracker fed by the registrar, qualify and the
// channel registry, and the SUBSCRIBE handling on top of it. PbxNode routes SUBSCRIBE and closed flows here.
import type { Clock, Logger } from '../../shared/index.ts';
import type { InboundSource, ServerTransaction, SipRequest, SipStack } from '../../sip/index.ts';
import type { ChannelRegistry } from '../calls/channel-registry.ts';
import type { PhoneAuthDeps, QualifyListener, RegistrarListener } from '../registrar/index.ts';
import { DeviceStateTracker } from './device-state-tracker.ts';
import type { FlowStateSource, PresenceDirectory } from './ports.ts';
import { SubscriptionManager, type SubscriptionManagerOptions } from './subscription-manager.ts';

/** The subscribers' digest check (PhoneAuthDeps) and what presence needs beyond it. */
export interface PresenceDeps extends PhoneAuthDeps {
  readonly stack: SipStack;
  readonly channels: ChannelRegistry;
  readonly directory: PresenceDirectory;
  readonly flows?: FlowStateSource;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Where registration changes come from: the Registrar and the Qualifier. */
export interface RegistrationEvents {
  readonly registrar: { addListener(listener: RegistrarListener): () => void };
  readonly qualifier?: { addListener(listener: QualifyListener): () => void };
}

export class Presence {
  readonly tracker: DeviceStateTracker;
  readonly subscriptions: SubscriptionManager;
  private readonly detach: Array<() => void> = [];

  constructor(deps: PresenceDeps, options: SubscriptionManagerOptions) {
    this.tracker = new DeviceStateTracker({ channels: deps.channels, directory: deps.directory, clock: deps.clock, logger: deps.logger, ...(deps.flows ? { flows: deps.flows } : {}) });
    this.subscriptions = new SubscriptionManager({ ...deps, tracker: this.tracker }, options);
  }

  start(events: RegistrationEvents): void {
    this.tracker.start();
    this.subscriptions.start();
    this.detach.push(events.registrar.addListener(this.tracker));
    if (events.qualifier) this.detach.push(events.qualifier.addListener(this.tracker));
  }

  handleSubscribe(transaction: ServerTransaction, request: SipRequest, source: InboundSource): void {
    void this.subscriptions.handleSubscribe(transaction, request, source);
  }

  flowClosed(flowId: string): void {
    this.subscriptions.flowClosed(flowId);
  }

  /** Sends the final NOTIFYs (reason=deactivated) and stops following changes. Call before the stack closes. */
  stop(): void {
    this.subscriptions.stop();
    for (const detach of this.detach.splice(0)) detach();
    this.tracker.stop();
  }
}
