// The channel of a call's calling side, the first of the call: its uniqueid is the call's linkedid.
import type { Clock } from '../../shared/index.ts';
import type { CallIds } from './call-ids.ts';
import type { ChannelDirection, LiveChannel } from './channel-registry.ts';

export interface CallerChannelSpec {
  readonly tenantId: number;
  readonly tenantCode: string;
  readonly account: string;
  readonly number: string;
  readonly name: string;
  readonly connectedNum: string;
  readonly connectedName: string;
  readonly exten: string;
  readonly sipCallId: string;
  readonly originateId: string;
  readonly direction: ChannelDirection;
}

export function callerChannel(ids: CallIds, nodeName: string, clock: Clock, spec: CallerChannelSpec): LiveChannel {
  const now = clock.now();
  const uniqueId = ids.uniqueId(now);
  return {
    name: ids.channelName(spec.account),
    tenantId: spec.tenantId,
    uniqueId,
    linkedId: uniqueId,
    node: nodeName,
    direction: spec.direction,
    extension: spec.number,
    account: spec.account,
    callerIdNum: spec.number,
    callerIdName: spec.name,
    connectedNum: spec.connectedNum,
    connectedName: spec.connectedName,
    exten: spec.exten,
    context: spec.tenantCode,
    state: 'Ring',
    createdAt: now,
    answeredAt: undefined,
    bridgedTo: undefined,
    sipCallId: spec.sipCallId,
    originateId: spec.originateId,
  };
}
