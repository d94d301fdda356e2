// A yes/no parameter of the call reqtypes (multiple=, autoanswer=, nofollow=, ...).
import { PbxError } from '../../../../shared/index.ts';
import type { Params } from '../../params.ts';

/** yes/on/1/true or no/off/0/false/empty; anything else is refused rather than guessed. */
export function yes(params: Params, name: string): boolean {
  const value = params.word(name);
  if (value === undefined || ['no', 'off', '0', 'false'].includes(value)) return false;
  if (['yes', 'on', '1', 'true'].includes(value)) return true;
  throw new PbxError('invalid_parameter', `Invalid ${name} '${params.get(name)}': expected yes or no`);
}
