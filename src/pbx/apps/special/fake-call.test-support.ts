// A scripted CallHandle for the unit tests of the small steps (SPECIAL, FLOW, random destinations, caller id,
// phonebook routing, DID forwards): it records what the step did to the call (attempts, answer, plays, hang-ups,
// refusals, caller id changes) and answers as told. No SIP, no relay.
import type { AttemptLabel, CallHandle, PbxMedia, PlaybackEnd, PlayItem } from '../../calls/index.ts';

export interface FakeCallOptions {
  readonly tenantId?: number;
  readonly caller?: { readonly number: string; readonly name: string };
  /** Whether the PBX can answer (false: no G.711 offered). */
  readonly answerable?: boolean;
  /** How each play ends; default: the caller hangs up while it plays. */
  readonly playEnd?: (items: readonly PlayItem[], stopped: boolean) => PlaybackEnd;
  /** Without setCaller, as a fake of the engine may be. */
  readonly noSetCaller?: boolean;
}

export interface FakeCall extends CallHandle {
  readonly log: string[];
  readonly attempts: AttemptLabel[];
  readonly plays: PlayItem[][];
  /** media.stop() was called before the play ended (a hold that timed out). */
  stopRequested: boolean;
}

export function fakeCall(options: FakeCallOptions = {}): FakeCall {
  let over = false;
  let answered = false;
  let caller = { ...(options.caller ?? { number: '+390612345678', name: 'Mario Rossi' }) };
  const log: string[] = [];
  const attempts: AttemptLabel[] = [];
  const plays: PlayItem[][] = [];
  const call: FakeCall = {
    log,
    attempts,
    plays,
    stopRequested: false,
    tenantId: options.tenantId ?? 1,
    tenantCode: 'ACME',
    get callerParty() {
      return { ...caller, account: '' };
    },
    dialled: '0612340000',
    domain: 'pbx.test',
    linkedId: 'l1',
    get callerAnswered() {
      return answered;
    },
    get over() {
      return over;
    },
    attempt: (label) => void attempts.push(label),
    ring: async () => {
      throw new Error('this step rings nobody');
    },
    answer: async () => {
      if (options.answerable === false) return undefined;
      answered = true;
      log.push('answer');
      const media: PbxMedia = {
        play: async (items) => {
          plays.push([...items]);
          // A play runs until something ends it: the test's script decides what.
          await Promise.resolve();
          const end = options.playEnd?.(items, call.stopRequested) ?? { reason: 'hangup' as const };
          if (end.reason === 'hangup') over = true;
          return end;
        },
        stop: () => {
          call.stopRequested = true;
        },
        nextDigit: async () => undefined,
      };
      return media;
    },
    recordCall: () => undefined,
    hangup: (cause) => {
      log.push(`hangup:${cause}`);
      over = true;
    },
    refuse: async (status, text) => {
      log.push(`refuse:${status} ${text}`);
      over = true;
    },
    ...(options.noSetCaller
      ? {}
      : {
          setCaller: (update: { readonly number?: string; readonly name?: string }) => {
            caller = { number: update.number ?? caller.number, name: update.name ?? caller.name };
            log.push(`caller:${caller.number}/${caller.name}`);
          },
        }),
  };
  return call;
}
