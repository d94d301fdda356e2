// Generic `;name=value` parameter lists (RFC 3261 §25.1 generic-param), with quoted values.

/** Parses `;a=1;b;c="x;y"` (leading `;` optional). Names are lower-cased; returns undefined on a syntax error. */
export function parseParams(text: string): Map<string, string | null> | undefined {
  const params = new Map<string, string | null>();
  let i = 0;
  const n = text.length;
  const skipWs = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  skipWs();
  if (text[i] === ';') i++;
  while (i < n) {
    skipWs();
    let start = i;
    while (i < n && text[i] !== '=' && text[i] !== ';' && text[i] !== ' ' && text[i] !== '\t') i++;
    const name = text.slice(start, i).toLowerCase();
    if (name === '' || !/^[A-Za-z0-9\-.!%*_+`'~[\]:]+$/.test(name)) return undefined;
    skipWs();
    let value: string | null = null;
    if (text[i] === '=') {
      i++;
      skipWs();
      if (text[i] === '"') {
        i++;
        let out = '';
        while (i < n && text[i] !== '"') {
          if (text[i] === '\\') i++;
          out += text[i] ?? '';
          i++;
        }
        if (text[i] !== '"') return undefined;
        i++;
        value = out;
      } else {
        start = i;
        while (i < n && text[i] !== ';' && text[i] !== ' ' && text[i] !== '\t') i++;
        value = text.slice(start, i);
        if (value === '') return undefined;
      }
    }
    params.set(name, value);
    skipWs();
    if (i < n) {
      if (text[i] !== ';') return undefined;
      i++;
    }
  }
  return params;
}

export function serializeParams(params: ReadonlyMap<string, string | null>): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${/^[^\s";,<>]*$/.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`}`;
  return out;
}
