// Whether a call's media may go to rtpengine instead of the built-in relay. rtpengine only forwards: it cannot play
// a prompt, ringback or music, hear a key, record, or re-pair a party with a consultation. So only a plain two-party
// call may go there, and only one that can never come to need any of that later on: the whole destination list is
// looked at before the call starts: moving a call from rtpengine back to the relay half-way takes a re-INVITE to each
// party (media-return.ts), which only the transfers do, where the phone or the API asked for a change anyway (a blind
// transfer asks these same rules whether its destination may stay on rtpengine).
import type { SessionDescription } from '../../media/index.ts';
import type { ForwardingDirectory } from '../dialplan/index.ts';
import type { ExtensionTarget } from './call-ports.ts';
import type { RecordingPaths } from './call-recording.ts';
import { RecordingPolicy, type RecordingMode } from './recording-policy.ts';
import type { Target } from './runner/step.ts';

/** What the decision reads; main.ts plugs in the same store-backed directories the calls use. */
export interface OffloadPorts {
  readonly extensions: { extensionById(tenantId: number, extensionId: number): Promise<ExtensionTarget | undefined> };
  readonly forwarding: ForwardingDirectory;
  /** An extension's follow-me, when on (its numbers may have to confirm with a key); none = follow-me is not rung. */
  readonly followMe?: { followMe(tenantId: number, extensionId: number): Promise<unknown> };
}

export interface OffloadQuestion {
  readonly tenantId: number;
  /** The calling extension's SIP account, '' for a carrier's call. */
  readonly callerAccount: string;
  /** The DID a carrier's call came in on. */
  readonly did?: string;
  /** ex_recording of the caller or di_recording of the DID already asks for a recording. */
  readonly recording: boolean;
  readonly targets: readonly Target[];
  /** The caller's offer: rtpengine is driven here for plain RTP/AVP audio only (no ICE, DTLS or video). None: checked before. */
  readonly offer?: SessionDescription;
}

export type OffloadAnswer = { readonly offload: true } | { readonly offload: false; readonly why: string };

const keep = (why: string): OffloadAnswer => ({ offload: false, why });

export async function offloadDecision(ports: OffloadPorts, recordings: RecordingPaths | undefined, question: OffloadQuestion): Promise<OffloadAnswer> {
  // One EXT step: an extension rung with ringback of its phone's own. RINGMUSICONHOLD plays music, and every other
  // tag is an application (IVR, voicemail, hunt list, DISA, dial-out with its own ring plan...) or may lead to one.
  const [target, ...more] = question.targets;
  if (target === undefined || more.length > 0 || target.tag !== 'EXT') return keep('not a single extension');
  const media = question.offer?.media.filter((m) => m.port !== 0);
  if (media !== undefined && (media.length === 0 || media.some((m) => m.media !== 'audio' || m.proto !== 'RTP/AVP'))) return keep('not plain RTP/AVP audio');
  if (question.recording) return keep('recorded');
  const extension = await ports.extensions.extensionById(question.tenantId, target.id);
  if (extension === undefined) return keep('no such extension');
  if (extension.recording === true) return keep('the extension records its calls');
  // A forward (busy, no answer, offline, unconditional) sends the call to another list: voicemail, an IVR...
  const forwarding = await ports.forwarding.forwarding(question.tenantId, extension.extensionId);
  if (forwarding !== undefined && Object.entries(forwarding.enabled).some(([situation, on]) => on && (forwarding.slots[situation as keyof typeof forwarding.enabled]?.length ?? 0) > 0)) {
    return keep('the extension forwards');
  }
  if (ports.followMe !== undefined && (await ports.followMe.followMe(question.tenantId, extension.extensionId)) !== undefined) return keep('the extension has follow-me');
  return recordingAllowsOffload(recordings, question, extension.account);
}

/**
 * The recording settings must say the call is not recorded AND may not be switched on: the in-call code *1 (the only
 * one today) would need the relay both to hear the key in RTP and to record. A node that records nothing refuses the
 * code anyway. So with recording on a node, offloading needs a plain `no` from the tenant, an extension or the DID.
 */
async function recordingAllowsOffload(recordings: RecordingPaths | undefined, question: OffloadQuestion, calleeAccount: string): Promise<OffloadAnswer> {
  if (recordings === undefined) return { offload: true };
  const settings = recordings.settings;
  // Without settings every step's ask is a plain yes and the code is on demand (recording-policy.ts).
  if (settings === undefined) return keep('recording may be switched on');
  const readings: Array<Promise<RecordingMode | undefined>> = [settings.tenant(question.tenantId), settings.extension(question.tenantId, calleeAccount)];
  if (question.callerAccount !== '') readings.push(settings.extension(question.tenantId, question.callerAccount));
  if (question.did !== undefined) readings.push(settings.did(question.tenantId, question.did));
  const policy = new RecordingPolicy();
  for (const mode of await Promise.all(readings)) if (mode !== undefined) policy.fromSetting(mode);
  if (policy.record) return keep('recorded');
  if (policy.changeable) return keep('recording may be switched on');
  return { offload: true };
}
