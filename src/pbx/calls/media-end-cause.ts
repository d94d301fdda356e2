// Why a call whose relay session ended is hung up: its relay worker died (the node cut it; the CDR says
// [media-worker-stopped]), or no RTP came from either side for CALLGRID_RTP_TIMEOUT_SECONDS.
export const MEDIA_WORKER_STOPPED = 'media-worker-stopped';

export function mediaEndCause(session: { readonly workerLost?: boolean }): string {
  return session.workerLost === true ? MEDIA_WORKER_STOPPED : 'rtp-timeout';
}
