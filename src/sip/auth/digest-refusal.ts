// The reason phrase of a 400 that refuses broken digest credentials. RFC 3261 §21.4.1 leaves the phrase free
// ("the reason phrase SHOULD identify the syntax problem in more detail"), so it says what was wrong; built from
// parser text that may echo the client's directive names, it is kept to printable ASCII and one short line.

const MAX_PHRASE = 80;

export function digestRefusalPhrase(reason: string): string {
  const printable = reason.replace(/[^\x20-\x7e]+/g, ' ').replace(/\s+/g, ' ').trim();
  const phrase = `Digest ${printable === '' ? 'credentials are malformed' : printable}`;
  return phrase.length <= MAX_PHRASE ? phrase : `${phrase.slice(0, MAX_PHRASE - 3)}...`;
}
