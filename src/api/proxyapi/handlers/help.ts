// HELP: the syntax of every reqtype, generated from the dispatch table itself.
import { escapeXml } from '../format.ts';
import { ANY_FORMAT, type ReqtypeHandler } from '../handler.ts';
import { LANGUAGES } from '../i18n.ts';

const COMMON = [
  'Callgrid proxyapi (MiRTA PBX compatible). Parameters come from the query string or a POST form.',
  '',
  'Common parameters:',
  '  key        API key: admin, tenant full or tenant read-only (also X-API-Key or Authorization: Bearer)',
  '  reqtype    the request, below (case-insensitive)',
  '  tenant     tenant code; required with a tenant key, often optional with the admin key',
  '  format     plain (default) | json | xml | csv, where the request offers it',
  '  callback   JSONP function name (format=json)',
  `  language   translate state and disposition labels (${LANGUAGES.join(', ')})`,
  '  cache=no   bypass the key and tenant lookup caches',
  '',
].join('\n');

export function helpHandler(syntaxOf: () => ReadonlyArray<readonly [string, string]>): ReqtypeHandler {
  return {
    syntax: 'This text.',
    tenant: 'optional',
    adminOnly: false,
    writes: false,
    formats: ANY_FORMAT,
    async handle() {
      const sections = syntaxOf().map(([name, syntax]) => {
        const [summary = '', ...lines] = syntax.split('\n');
        return `<b>reqtype=${name}</b>  <i>${escapeXml(summary)}</i>\n${lines.map(escapeXml).join('\n')}`;
      });
      return { kind: 'html', html: `<pre>\n${escapeXml(COMMON)}\n${sections.join('\n\n')}\n</pre>\n` };
    },
  };
}
