// Base timer values of the transaction layer (RFC 3261 §17.1.1.1 and Table 4).
// T1 is the RTT estimate, T2 the cap on non-INVITE/response retransmit intervals, T4 the network lifetime of a message.

export interface TimerConfig {
  readonly t1: number;
  readonly t2: number;
  readonly t4: number;
}

/** §17.1.1.1: T1 defaults to 500 ms; Table 4: T2 = 4 s, T4 = 5 s. All three may be configured. */
export const DEFAULT_TIMERS: TimerConfig = { t1: 500, t2: 4000, t4: 5000 };

/** §17.2.1: a server INVITE transaction answers 100 Trying itself unless the TU responds within 200 ms. */
export const TRYING_DELAY_MS = 200;

/** Timer D (§17.1.1.2): "at least 32 seconds for unreliable transports"; never shorter than the peer's Timer H. */
export function timerD(config: TimerConfig): number {
  return Math.max(32_000, 64 * config.t1);
}
