// Names and ids of channels as MiRTA (Asterisk) shows them: `PJSIP/100-ACME-0000002a` channel names and
// `<node>-<epoch>.<seq>` uniqueids, unique across the nodes of a cluster and across restarts.

export class CallIds {
  private channelSeq = 0;
  private uniqueSeq = 0;

  constructor(private readonly nodeName: string) {}

  /** Asterisk appends an 8-digit hex counter to the endpoint name, so two legs of one phone differ. */
  channelName(endpoint: string): string {
    this.channelSeq = (this.channelSeq + 1) % 0x1_0000_0000;
    return `PJSIP/${endpoint}-${this.channelSeq.toString(16).padStart(8, '0')}`;
  }

  uniqueId(now: Date): string {
    this.uniqueSeq++;
    return `${this.nodeName}-${Math.floor(now.getTime() / 1000)}.${this.uniqueSeq}`;
  }
}
