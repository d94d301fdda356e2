// NOTIFY bodies: RFC 4235 dialog-info+xml (Event: dialog, what phones' BLF keys subscribe to) and RFC 3863 PIDF
// (Event: presence), with the RPID on-the-phone activity (RFC 4480) that presence-aware phones show.
import { presenceOf, type DeviceState, type DialogView } from './device-state.ts';

export const DIALOG_INFO_TYPE = 'application/dialog-info+xml';
export const PIDF_TYPE = 'application/pidf+xml';

export interface DialogInfoInput {
  /** `sip:<number>@<domain>`: the monitored resource (RFC 4235 §4.1 entity). */
  readonly entity: string;
  /** Increments by one per NOTIFY of the subscription, from 0 (§4.1: "MUST be incremented by one"). */
  readonly version: number;
  readonly dialogs: readonly DialogView[];
  /** The domain the remote parties' identities are written in. */
  readonly domain: string;
}

/** A full-state dialog-info document; no <dialog> element means the resource has no dialog (idle). */
export function dialogInfoXml(input: DialogInfoInput): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${input.version}" state="full" entity="${escapeXml(input.entity)}">`,
  ];
  for (const dialog of input.dialogs) {
    const callId = dialog.callId === '' ? '' : ` call-id="${escapeXml(dialog.callId)}"`;
    lines.push(`<dialog id="${escapeXml(dialog.id)}"${callId} direction="${dialog.direction}">`, `<state>${dialog.phase}</state>`);
    if (dialog.remote !== '') {
      const display = dialog.remoteName === '' ? '' : ` display="${escapeXml(dialog.remoteName)}"`;
      lines.push(`<remote><identity${display}>sip:${escapeXml(dialog.remote)}@${escapeXml(input.domain)}</identity></remote>`);
    }
    lines.push('</dialog>');
  }
  lines.push('</dialog-info>', '');
  return lines.join('\n');
}

export interface PidfInput {
  readonly entity: string;
  /** The tuple id (RFC 3863 §4.1.4): the number, made an XML ID. */
  readonly tupleId: string;
  readonly state: DeviceState;
}

export function pidfXml(input: PidfInput): string {
  const presence = presenceOf(input.state);
  // RFC 4480 activities live in a person element (RFC 4479 data model); phones that know RPID show "on the phone".
  const activity = presence.onThePhone ? '<rpid:on-the-phone/>' : presence.basic === 'closed' ? '<rpid:away/>' : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${escapeXml(input.entity)}">`,
    `<tuple id="${escapeXml(xmlId(input.tupleId))}">`,
    `<status><basic>${presence.basic}</basic></status>`,
    `<note>${presence.note}</note>`,
    '</tuple>',
    ...(activity === '' ? [] : [`<dm:person id="p-${escapeXml(xmlId(input.tupleId))}"><rpid:activities>${activity}</rpid:activities></dm:person>`]),
    '</presence>',
    '',
  ].join('\n');
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** xs:ID must start with a letter or underscore: `100` becomes `t100`, `*30` becomes `t_30`. */
function xmlId(text: string): string {
  return `t${text.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}
