// `language=`: state and disposition labels in the caller's language, where a
// translation exists; anything else stays as MiRTA prints it.

const LABELS: Record<string, Readonly<Record<string, string>>> = {
  it: {
    ANSWERED: 'RISPOSTA',
    'NO ANSWER': 'NESSUNA RISPOSTA',
    BUSY: 'OCCUPATO',
    FAILED: 'FALLITA',
    CONGESTION: 'CONGESTIONE',
    UNAVAILABLE: 'NON DISPONIBILE',
    NOT_INUSE: 'LIBERO',
    INUSE: 'IN USO',
    RINGING: 'SQUILLA',
    ONHOLD: 'IN ATTESA',
    UNKNOWN: 'SCONOSCIUTO',
    ABANDONED: 'ABBANDONATA',
  },
  es: {
    ANSWERED: 'CONTESTADA',
    'NO ANSWER': 'SIN RESPUESTA',
    BUSY: 'OCUPADO',
    FAILED: 'FALLIDA',
    CONGESTION: 'CONGESTIÓN',
    UNAVAILABLE: 'NO DISPONIBLE',
    NOT_INUSE: 'LIBRE',
    INUSE: 'EN USO',
    RINGING: 'SONANDO',
    ONHOLD: 'EN ESPERA',
    UNKNOWN: 'DESCONOCIDO',
    ABANDONED: 'ABANDONADA',
  },
};

export type Translate = (label: string) => string;

/** English is the source language; `it`, `it_IT`, `it-IT` all select Italian. */
export function translator(language: string | undefined): Translate {
  const code = language?.trim().toLowerCase().slice(0, 2);
  const table = code !== undefined && Object.hasOwn(LABELS, code) ? new Map(Object.entries(LABELS[code] ?? {})) : undefined;
  return table ? (label) => table.get(label) ?? label : (label) => label;
}

export const LANGUAGES = ['en', ...Object.keys(LABELS)];
