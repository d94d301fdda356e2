// Turns a playlist's items (plain data from the PBX, maybe from another thread) into segments the media clock can
// play: files loaded through the clip cache, tones as their cached clips, silence as a frame count, fan-out sources
// looked up and waited for. Every item is checked here, since a request that crossed threads is unchecked data.
import { err, ok, type Result } from '../../shared/index.ts';
import { callProgressClip, FRAME_MS, isCallProgressTone, type ClipCache } from '../player/index.ts';
import type { MediaSource } from './media-source.ts';
import type { ClipSegment } from './play-cursor.ts';
import type { PlayItem } from './relay-control.ts';

/** A side's playlist may also hold fan-out sources, which end only when the source closes. */
export type PlaySegment = ClipSegment | { readonly kind: 'source'; readonly source: MediaSource; readonly frames: number };

export interface SourceLookup {
  get(name: string): MediaSource | undefined;
}

/** A playlist is a handful of prompts; this bounds what one request can make the worker load. */
const MAX_ITEMS = 500;
/** A day: far beyond any tone or pause, and it keeps frame counts small integers. */
const MAX_ITEM_MS = 86_400_000;

/** Without `sources`, source items are refused (a fan-out source cannot play another one). */
export async function resolvePlayItems(items: readonly PlayItem[], clips: ClipCache, sources: SourceLookup | undefined): Promise<Result<PlaySegment[], string>> {
  if (!Array.isArray(items)) return err('items must be a list');
  if (items.length > MAX_ITEMS) return err(`${items.length} items: at most ${MAX_ITEMS}`);
  const resolved = await Promise.all(items.map((item: PlayItem) => resolveItem(item, clips, sources)));
  const segments: PlaySegment[] = [];
  for (const [index, segment] of resolved.entries()) {
    if (!segment.ok) return err(items.length > 1 ? `item ${index + 1}: ${segment.error}` : segment.error);
    segments.push(segment.value);
  }
  return ok(segments);
}

async function resolveItem(item: PlayItem, clips: ClipCache, sources: SourceLookup | undefined): Promise<Result<PlaySegment, string>> {
  switch (item?.kind) {
    case 'file': {
      if (typeof item.path !== 'string' || item.path === '') return err('a file item needs a path');
      const clip = await clips.load(item.path);
      return clip.ok ? ok({ kind: 'clip', clip: clip.value, frames: clip.value.frameCount }) : clip;
    }
    case 'tone': {
      if (!isCallProgressTone(item.tone)) return err(`unknown tone ${String(item.tone)}`);
      const clip = callProgressClip(item.tone);
      if (item.ms === undefined) return ok({ kind: 'clip', clip, frames: clip.frameCount });
      const frames = framesFor(item.ms);
      return frames.ok ? ok({ kind: 'clip', clip, frames: frames.value }) : frames;
    }
    case 'silence': {
      const frames = framesFor(item.ms);
      return frames.ok ? ok({ kind: 'silence', frames: frames.value }) : frames;
    }
    case 'source': {
      if (sources === undefined) return err('a source cannot play another source');
      const source = typeof item.name === 'string' ? sources.get(item.name) : undefined;
      if (source === undefined) return err(`no source named ${String(item.name)}`);
      const ready = await source.ready;
      return ready.ok ? ok({ kind: 'source', source, frames: Infinity }) : err(`source ${item.name}: ${ready.error}`);
    }
    default:
      return err(`unknown item kind ${String((item as { kind?: unknown } | undefined)?.kind)}`);
  }
}

/** Whole frames covering `ms` (a 30 ms pause is two frames: the clock has no finer step). */
function framesFor(ms: unknown): Result<number, string> {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_ITEM_MS) return err(`bad duration ${String(ms)} ms`);
  return ok(Math.ceil(ms / FRAME_MS));
}
