// A scripted CallHandle whose caller presses keys, for SETUNCONDITIONALDID's unit tests: each play that keys stop
// ends at the next scripted key, nextDigit hands out the rest; an exhausted script is a caller who keys no more
// (a tone played through, a digit timeout). 'HANGUP' in the script is the caller hanging up there. No SIP, no relay.
import type { AttemptLabel, CallHandle, PbxMedia, PlayItem } from '../../calls/index.ts';

export const HANGUP = 'HANGUP';

export interface KeypadCall extends CallHandle {
  readonly log: string[];
  readonly attempts: AttemptLabel[];
  readonly plays: PlayItem[][];
}

export function keypadCall(options: { readonly tenantId: number; readonly keys: readonly string[]; readonly answerable?: boolean }): KeypadCall {
  const script = [...options.keys];
  let over = false;
  let answered = false;
  const log: string[] = [];
  const attempts: AttemptLabel[] = [];
  const plays: PlayItem[][] = [];
  const take = (): string | undefined => {
    const key = script.shift();
    if (key === HANGUP) over = true;
    return key === HANGUP ? undefined : key;
  };
  const media: PbxMedia = {
    play: async (items, playOptions) => {
      plays.push([...items]);
      if (over) return { reason: 'hangup' };
      if (playOptions?.stopOnDigits === undefined || script.length === 0) return { reason: 'finished' };
      const key = take();
      if (key === undefined) return { reason: 'hangup' };
      return playOptions.stopOnDigits.includes(key) ? { reason: 'digit', digit: key } : { reason: 'finished' };
    },
    stop: () => undefined,
    nextDigit: async () => (over ? undefined : take()),
  };
  return {
    log,
    attempts,
    plays,
    tenantId: options.tenantId,
    tenantCode: 'ACME',
    callerParty: { number: '3335550000', name: 'Mario', account: '' },
    dialled: '390612340000',
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
  };
}
