// The SIPp caller of a call a PBX answers itself: INVITE (PCMU and telephone-event offered, the media address being
// one port of the timing sink, written into the scenario), a 407/401 answered with digest credentials if one comes
// (Callgrid's extensions dialling a feature code are challenged; the rtpengine peer is not), ACK, silence for -d ms
// (the sink, not SIPp, hears the prompt and presses the key), BYE. SIPp sends no RTP at all.
// One scenario file per sink port: bench/calls' SIPp runner takes no injection file, so calls are dealt over the
// sink processes by running one SIPp caller per sink port (which also spreads SIPp's own load).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { callSetupWithDigest, hangUp, scenario as sippScenario } from '../shared/sipp-flows.ts';
import { pcmuSdp } from '../shared/sipp-messages.ts';
import { DTMF_PAYLOAD_TYPE } from './sink-packets.ts';

/** The caller: [caller] (-key) as From user and digest user; tags apart from bench/calls' caller's. */
export const CALLER = { user: '[caller]', tag: 'P' };

/** PCMU and telephone-event offered at 127.0.0.1:`mediaPort` (a sink port, or SIPp's own [media_port]). */
export const callerOffer = (mediaPort: number | string) => pcmuSdp({ port: mediaPort, events: DTMF_PAYLOAD_TYPE });

/** The scenario, as bench/calls' uac.xml but without rtp_stream and with the sink as the media address. */
function scenario(sinkPort: number): string {
  return sippScenario('bench-apps-caller', `${callSetupWithDigest(CALLER, callerOffer(sinkPort))}  <pause />
${hangUp(CALLER, 10)}`);
}

/** Writes one caller scenario per sink port into dir; returns their paths in the ports' order. */
export function writeCallerScenarios(dir: string, sinkPorts: readonly number[]): string[] {
  return sinkPorts.map((port) => {
    const path = join(dir, `apps-caller-${port}.xml`);
    writeFileSync(path, scenario(port));
    return path;
  });
}
