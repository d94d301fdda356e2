// Call detail records of real calls: the record the B2BUA reports when a call ends, its rows, and their writer.
export type { AttemptDisposition, AttemptOutcome, CallAttempt, CallParty, CallRecord, CallRefusal, FailedDisposition, Landing, LandingKind } from './call-record.ts';
export { callerIdText, cdrRows, sipMark, wholeSeconds, type CdrRow, type CdrRows } from './cdr-rows.ts';
export { CdrWriter, type CdrSink } from './cdr-writer.ts';
export { BatchingCdrSink, type BatchCdrStore, type BatchingCdrSinkOptions } from './batching-cdr-sink.ts';
