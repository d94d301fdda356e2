// Via branch ids for requests this element originates (RFC 3261 §8.1.1.7).
import { randomText } from '../../shared/index.ts';

/** §8.1.1.7: the branch ID "MUST always begin with the characters z9hG4bK". */
export const MAGIC_COOKIE = 'z9hG4bK';

/** A new branch: the magic cookie plus 96 random bits, unique across space and time as §8.1.1.7 asks. */
export function newBranch(): string {
  return MAGIC_COOKIE + randomText(12, 'base64url');
}

export function hasMagicCookie(branch: string | undefined): branch is string {
  return branch !== undefined && branch.startsWith(MAGIC_COOKIE);
}
