// rtpengine as the media plane for plain calls: its ng control protocol (bencode over UDP) and a call's session on it.
export { bencode, bdecode, BencodeError, type BencodeValue } from './bencode.ts';
export { NgClient, parseNgAddress, type NgAddress, type NgClientOptions, type NgDictionary, type NgFailure } from './ng-client.ts';
export { RtpengineSession, type NgRequester, type RtpengineEndpoint } from './rtpengine-session.ts';
export { RtpengineActivityPoller, type ActivityPollerOptions } from './activity-poller.ts';
export { rtpPacketsOf } from './silence-watch.ts';
export { relaySideOf } from './offloaded-side.ts';
