// The soak's API side: a steady stream of reads an operator's dashboard would make (INFO cdrs, PEERS, CHANNELS
// through the MiRTA proxyapi, admin key on the soak tenant), and the CDR count the verdict checks against the calls.

export interface ApiTarget {
  readonly httpBase: string;
  readonly adminKey: string;
  readonly tenant: string;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as the cdrs start/end filters read it. */
export function utcText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

async function proxyApi(target: ApiTarget, params: Record<string, string>): Promise<unknown> {
  const query = new URLSearchParams({ key: target.adminKey, tenant: target.tenant, format: 'json', ...params });
  const res = await fetch(`${target.httpBase}/pbx/proxyapi.php?${query.toString()}`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  const error = res.headers.get('x-callgrid-error');
  if (res.status !== 200 || error !== null) throw new Error(`${params.reqtype ?? ''} ${params.info ?? ''}: HTTP ${res.status}${error ? ` (${error})` : ''}: ${text.slice(0, 200)}`);
  return text === '' ? [] : (JSON.parse(text) as unknown);
}

export interface CdrCount {
  readonly rows: number;
  /** Distinct linkedids: one per call placed, whatever legs it had. */
  readonly calls: number;
}

/** The tenant's CDRs whose calldate falls in [fromMs, toMs] (UTC, whole seconds). */
export async function countCdrs(target: ApiTarget, fromMs: number, toMs: number): Promise<CdrCount> {
  const rows = await proxyApi(target, { reqtype: 'INFO', info: 'cdrs', start: utcText(Math.floor(fromMs / 1000) * 1000), end: utcText(Math.ceil(toMs / 1000) * 1000) });
  if (!Array.isArray(rows)) throw new Error('INFO cdrs did not answer a list');
  const linked = new Set(rows.map((row: { linkedid?: unknown }) => String(row.linkedid)));
  return { rows: rows.length, calls: linked.size };
}

/** Channels up on the node for the tenant (CHANNELS rows). */
export async function liveChannels(target: ApiTarget): Promise<number> {
  const rows = await proxyApi(target, { reqtype: 'CHANNELS' });
  return Array.isArray(rows) ? rows.length : 0;
}

/** Reads on a timer until stopped; counts what succeeded and what failed, and the slowest answer. */
export class ApiReader {
  ok = 0;
  failed = 0;
  slowestMs = 0;
  readonly problems: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  /** Where INFO cdrs looks: the current report period, so a read stays the size of one period however long the soak. */
  windowStartMs = Date.now();

  constructor(
    private readonly target: ApiTarget,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.readOnce().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Counters since the previous call, then reset. */
  take(): { ok: number; failed: number; slowestMs: number } {
    const taken = { ok: this.ok, failed: this.failed, slowestMs: Math.round(this.slowestMs) };
    this.ok = 0;
    this.failed = 0;
    this.slowestMs = 0;
    return taken;
  }

  private async readOnce(): Promise<void> {
    const reads: Array<Record<string, string>> = [
      { reqtype: 'INFO', info: 'cdrs', start: utcText(Math.floor(this.windowStartMs / 1000) * 1000), end: utcText(Date.now() + 1000) },
      { reqtype: 'PEERS' },
      { reqtype: 'CHANNELS' },
    ];
    for (const params of reads) {
      const started = performance.now();
      try {
        await proxyApi(this.target, params);
        this.ok++;
      } catch (error) {
        this.failed++;
        if (this.problems.length < 10) this.problems.push((error as Error).message);
      }
      this.slowestMs = Math.max(this.slowestMs, performance.now() - started);
    }
  }
}
