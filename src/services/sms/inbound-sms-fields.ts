// The fields of a provider's inbound-SMS webhook (spec §3.4.3 di_smsfromfield / di_smstofield / di_smsbodyfield):
// a form or JSON body as one flat map of names to texts (nested JSON as dotted paths, `data.payload.to.0.phone_number`),
// and which of its fields are the sender, the DID and the text for a given DID. Pure: no store, no HTTP.

/** A webhook body as name -> text. */
export type SmsFields = Readonly<Record<string, string>>;

/** The mapping a DID gives (empty columns take the defaults from / to / text). */
export interface SmsFieldNames {
  readonly from: string;
  readonly to: string;
  readonly text: string;
}

export const DEFAULT_FIELD_NAMES: SmsFieldNames = { from: 'from', to: 'to', text: 'text' };

/** A body never has more fields than this counted; deeper JSON than MAX_DEPTH is not read. */
const MAX_FIELDS = 200;
const MAX_DEPTH = 6;
/** Fields whose value may be a DID number: digits with an optional +, as di_number holds them. */
const NUMBER_LIKE = /^\+?[0-9]{3,32}$/;

const column = (value: unknown): string => (value === null || value === undefined ? '' : String(value).trim());

/** di_smsfromfield / di_smstofield / di_smsbodyfield, each defaulting when empty. */
export function fieldNamesOf(did: Readonly<Record<string, unknown>>): SmsFieldNames {
  return {
    from: column(did.di_smsfromfield) || DEFAULT_FIELD_NAMES.from,
    to: column(did.di_smstofield) || DEFAULT_FIELD_NAMES.to,
    text: column(did.di_smsbodyfield) || DEFAULT_FIELD_NAMES.text,
  };
}

/**
 * A parsed JSON body as flat fields: objects and arrays become dotted paths; scalars their text. Anything that is
 * not an object at the top is refused (undefined): a provider sends named fields.
 */
export function flattenJson(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  let count = 0;
  const walk = (node: unknown, path: string, depth: number): void => {
    if (count >= MAX_FIELDS) return;
    if (node !== null && typeof node === 'object') {
      if (depth >= MAX_DEPTH) return;
      const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
      for (const [key, child] of entries) walk(child, path === '' ? key : `${path}.${key}`, depth + 1);
      return;
    }
    count++;
    out[path] = node === null || node === undefined ? '' : String(node);
  };
  walk(value, '', 0);
  return out;
}

/** A field's value, its name compared exactly first, then ignoring case (Twilio sends `From`, others `from`). */
export function fieldValue(fields: SmsFields, name: string): string | undefined {
  if (Object.hasOwn(fields, name)) return fields[name];
  const lower = name.toLowerCase();
  const key = Object.keys(fields).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : fields[key];
}

/** The fields that may name the DID: number-like values, the default `to` first, at most `limit`. */
export function didCandidates(fields: SmsFields, limit = 10): Array<{ readonly name: string; readonly value: string }> {
  const all = Object.entries(fields)
    .map(([name, value]) => ({ name, value: value.trim() }))
    .filter((f) => NUMBER_LIKE.test(f.value));
  const isDefault = (name: string) => name.toLowerCase() === DEFAULT_FIELD_NAMES.to;
  return [...all.filter((f) => isDefault(f.name)), ...all.filter((f) => !isDefault(f.name))].slice(0, limit);
}

export const sameFieldName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
