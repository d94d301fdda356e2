// The dialog layer (RFC 3261 §12): dialog state and its requests, the ACK for a 2xx (§13.2.2.4), CANCEL (§9.1),
// dialog keys and the resolution of IP-addressed targets. Other modules import from here only.
export { Dialog, TARGET_REFRESH_METHODS, type DialogInit, type DialogPeer, type DialogRole, type DialogState } from './dialog.ts';
export { buildAck } from './ack-builder.ts';
export { buildCancel } from './cancel-builder.ts';
export { dialogKey, keyOfRequest, keyOfResponse, newCallId } from './dialog-key.ts';
export { endpointForUri } from './endpoint-for-uri.ts';
export { buildInDialogRequest, requestTarget, type DialogRequestOptions, type DialogRequestState } from './in-dialog-request.ts';
