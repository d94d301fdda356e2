// DTMF sent in SIP INFO (no RFC; the de-facto formats phones and carriers use): `application/dtmf-relay` with
// "Signal=5" and "Duration=160" lines (Cisco's, the common one), and `application/dtmf` with the digit alone.
// Some senders number the keys: 10 is *, 11 is #, 12-15 are A-D (the RFC 4733 event codes).

const EVENT_KEYS = '0123456789*#ABCD';

export interface InfoDigit {
  readonly digit: string;
  /** Milliseconds, when the body says (dtmf-relay's Duration). */
  readonly durationMs: number | undefined;
}

/** The key an INFO carries, or undefined when its body is not DTMF (other INFO packages are answered and ignored). */
export function dtmfOfInfo(contentType: string | undefined, body: Buffer): InfoDigit | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (body.length > 256) return undefined;
  const text = body.toString('latin1');
  if (type === 'application/dtmf-relay') {
    const fields = new Map(
      text
        .split(/\r?\n/)
        .map((line) => /^\s*([A-Za-z]+)\s*=\s*(\S+)\s*$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [(m[1] ?? '').toLowerCase(), m[2] ?? ''] as const),
    );
    const digit = keyOf(fields.get('signal') ?? '');
    if (digit === undefined) return undefined;
    const duration = Number(fields.get('duration'));
    return { digit, durationMs: Number.isInteger(duration) && duration > 0 && duration < 60_000 ? duration : undefined };
  }
  if (type === 'application/dtmf') {
    const digit = keyOf(text.trim());
    return digit === undefined ? undefined : { digit, durationMs: undefined };
  }
  return undefined;
}

/** The body to send a key in INFO, in the dtmf-relay format (what the far side most likely reads). */
export function dtmfRelayBody(digit: string, durationMs: number): string {
  return `Signal=${digit}\r\nDuration=${Math.max(40, Math.round(durationMs))}\r\n`;
}

function keyOf(value: string): string | undefined {
  const upper = value.toUpperCase();
  if (upper.length === 1 && EVENT_KEYS.includes(upper)) return upper;
  const code = Number(value);
  return /^\d{2}$/.test(value) && code >= 10 && code <= 15 ? EVENT_KEYS[code] : undefined;
}
