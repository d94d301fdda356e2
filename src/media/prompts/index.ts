// The PBX's own prompts (please hold, goodbye, digits...): the catalogue and the name -> file lookup.
export { SystemPrompts, DEFAULT_FALLBACK_DIR, DEFAULT_ASTERISK_DIRS, type SystemPromptsOptions, type PromptSource } from './system-prompts.ts';
export { SYSTEM_PROMPTS, SYSTEM_PROMPT_NAMES, isSystemPromptName, type SystemPromptName, type SystemPromptEntry, type DigitPromptName } from './system-prompt-catalogue.ts';
