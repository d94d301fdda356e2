// The system prompts a PBX needs before any tenant uploads its own: what each says, and which recordings of
// Asterisk's core sounds (Debian asterisk-core-sounds-en-wav) say the same, so those are played when installed.
// scripts/make-sounds.ts renders the texts into sounds/<language>/<name>.wav, the fallback set.

export interface SystemPromptEntry {
  /** What the prompt says; the fallback set is synthesised from it. */
  readonly text: string;
  /** Asterisk core sound names (without .wav) that say the same, best first; empty when none does. */
  readonly asterisk: readonly string[];
}

type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
export type DigitPromptName = `digits/${Digit}`;

const PHRASES = {
  'please-hold': { text: 'Please hold.', asterisk: ['pls-hold-while-try'] },
  'number-unavailable': { text: 'The number you dialled is not available.', asterisk: [] },
  'number-busy': { text: 'The number you dialled is busy.', asterisk: [] },
  'no-answer': { text: 'There is no answer.', asterisk: ['number-not-answering'] },
  'invalid-option': { text: 'Invalid option, please try again.', asterisk: ['pm-invalid-option'] },
  'please-try-again': { text: 'Please try again.', asterisk: ['please-try-again'] },
  'enter-extension': { text: 'Please enter the extension number.', asterisk: [] },
  transferred: { text: 'You have been transferred.', asterisk: [] },
  goodbye: { text: 'Goodbye.', asterisk: ['goodbye', 'vm-goodbye'] },
  press: { text: 'Press', asterisk: ['vm-press'] },
  for: { text: 'For', asterisk: ['for'] },
} as const satisfies Record<string, SystemPromptEntry>;

export type SystemPromptName = keyof typeof PHRASES | DigitPromptName;

/** Digits as Asterisk lays them out (digits/0.wav ...), for saying numbers and menu choices. */
const DIGITS: Readonly<Record<DigitPromptName, SystemPromptEntry>> = {
  'digits/0': { text: 'Zero.', asterisk: ['digits/0'] },
  'digits/1': { text: 'One.', asterisk: ['digits/1'] },
  'digits/2': { text: 'Two.', asterisk: ['digits/2'] },
  'digits/3': { text: 'Three.', asterisk: ['digits/3'] },
  'digits/4': { text: 'Four.', asterisk: ['digits/4'] },
  'digits/5': { text: 'Five.', asterisk: ['digits/5'] },
  'digits/6': { text: 'Six.', asterisk: ['digits/6'] },
  'digits/7': { text: 'Seven.', asterisk: ['digits/7'] },
  'digits/8': { text: 'Eight.', asterisk: ['digits/8'] },
  'digits/9': { text: 'Nine.', asterisk: ['digits/9'] },
};

/** Every system prompt by name; a name is also its file's path under the language folder, without `.wav`. */
export const SYSTEM_PROMPTS: Readonly<Record<SystemPromptName, SystemPromptEntry>> = { ...PHRASES, ...DIGITS };

export const SYSTEM_PROMPT_NAMES = Object.keys(SYSTEM_PROMPTS) as readonly SystemPromptName[];

export function isSystemPromptName(name: string): name is SystemPromptName {
  return Object.hasOwn(SYSTEM_PROMPTS, name);
}
