// Strings a long-lived transaction keeps, made independent of the packet they were read from.

/**
 * The same text in a string of its own. V8 keeps a slice of 13 characters or more as a view into the string it was
 * cut from, so one header value (or a key built from the top Via's branch) kept for the 32 s of Timer J would keep
 * the whole received packet's text alive; flattening a concatenation copies just the value.
 */
export function ownText(value: string): string {
  return value.length < 13 ? value : ` ${value}`.slice(1);
}
