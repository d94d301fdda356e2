// SystemPrompts: a system prompt's name -> the file the relay plays. Asterisk's core sounds win when Debian's
// asterisk-core-sounds-en-wav is installed (8 kHz mono 16-bit WAVs under /usr/share/asterisk/sounds/); the
// generated set under sounds/<language>/ fills the rest. Every file is checked once, at load, to be what the
// relay plays (media/player: 8 kHz mono 16-bit PCM WAV); one that is not is passed over, never converted here.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWavSamples } from '../player/index.ts';
import { SYSTEM_PROMPTS, SYSTEM_PROMPT_NAMES, isSystemPromptName, type SystemPromptName } from './system-prompt-catalogue.ts';

/** The repository's generated set (scripts/make-sounds.ts writes it). */
export const DEFAULT_FALLBACK_DIR = fileURLToPath(new URL('../../../sounds/', import.meta.url));

/**
 * Where Debian puts Asterisk's English prompts: `en` is an alternatives link made by asterisk-core-sounds-en,
 * the voice's own folder is what asterisk-core-sounds-en-wav itself installs (so it works without the link).
 */
export const DEFAULT_ASTERISK_DIRS: readonly string[] = ['/usr/share/asterisk/sounds/{language}', '/usr/share/asterisk/sounds/en_US_f_Allison'];

export interface SystemPromptsOptions {
  readonly language?: string;
  /** Holds `<language>/<name>.wav`. */
  readonly fallbackDir?: string;
  /** Folders of Asterisk sounds, tried in order; `{language}` is replaced. An empty list turns them off. */
  readonly asteriskDirs?: readonly string[];
}

export type PromptSource = 'asterisk' | 'fallback';

interface Found {
  readonly path: string;
  readonly source: PromptSource;
}

export class SystemPrompts {
  private constructor(private readonly found: ReadonlyMap<SystemPromptName, Found>) {}

  /** Looks every prompt up once; lookups after that are synchronous and touch no disk. */
  static async load(options: SystemPromptsOptions = {}): Promise<SystemPrompts> {
    const language = options.language ?? 'en';
    if (!/^[a-z]{2,3}([_-][A-Za-z0-9]+)*$/.test(language)) throw new Error(`Not a language folder name: ${language}`);
    const asteriskDirs = (options.asteriskDirs ?? DEFAULT_ASTERISK_DIRS).map((dir) => dir.replaceAll('{language}', language));
    const fallbackDir = join(options.fallbackDir ?? DEFAULT_FALLBACK_DIR, language);
    const entries = await Promise.all(
      SYSTEM_PROMPT_NAMES.map(async (name): Promise<[SystemPromptName, Found | undefined]> => {
        const candidates: Found[] = [
          ...SYSTEM_PROMPTS[name].asterisk.flatMap((file) => asteriskDirs.map((dir) => ({ path: join(dir, `${file}.wav`), source: 'asterisk' as const }))),
          { path: join(fallbackDir, `${name}.wav`), source: 'fallback' },
        ];
        for (const candidate of candidates) if (await playable(candidate.path)) return [name, candidate];
        return [name, undefined];
      }),
    );
    return new SystemPrompts(new Map(entries.filter((entry): entry is [SystemPromptName, Found] => entry[1] !== undefined)));
  }

  /** The file of a prompt; undefined when neither set has it (a name outside the catalogue too). */
  path(name: SystemPromptName | string): string | undefined {
    return isSystemPromptName(name) ? this.found.get(name)?.path : undefined;
  }

  /** Which set a prompt comes from. */
  source(name: SystemPromptName): PromptSource | undefined {
    return this.found.get(name)?.source;
  }

  /** The files that say a string's digits one by one ("press 1 for ..."); other characters are skipped. */
  digits(text: string): string[] {
    return [...text].flatMap((char) => {
      const path = /^[0-9]$/.test(char) ? this.path(`digits/${char}`) : undefined;
      return path === undefined ? [] : [path];
    });
  }

  /** The prompts neither set has: a deployment check lists them. */
  missing(): SystemPromptName[] {
    return SYSTEM_PROMPT_NAMES.filter((name) => !this.found.has(name));
  }
}

/** True when the relay can play the file as it is; reading it whole is fine for prompts of a few seconds. */
async function playable(path: string): Promise<boolean> {
  const samples = await readWavSamples(path);
  return samples.ok && samples.value.length > 0;
}
