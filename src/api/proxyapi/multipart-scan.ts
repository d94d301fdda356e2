// A quick look into a multipart/form-data body (RFC 7578) before it is parsed: how many parts it has,
// and the value of one text field (the API key). Only native byte searches: the full parse, which
// costs far more per byte, runs once the key is known to be good.

/** The boundary of a multipart Content-Type, or undefined. */
export function multipartBoundary(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** Where each part's headers start (just after its delimiter line), in order. */
function partStarts(body: Buffer, boundary: string, max: number): number[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const starts: number[] = [];
  for (let at = body.indexOf(delimiter); at >= 0 && starts.length <= max; at = body.indexOf(delimiter, at + delimiter.length)) {
    const after = at + delimiter.length;
    // `--boundary--` closes the body.
    if (body[after] === 0x2d && body[after + 1] === 0x2d) break;
    const lineEnd = body.indexOf(CRLF, after);
    if (lineEnd < 0) break;
    starts.push(lineEnd + 2);
  }
  return starts;
}

/** The number of parts, counting no further than `max + 1`. */
export function multipartPartCount(body: Buffer, boundary: string, max: number): number {
  return partStarts(body, boundary, max).length;
}

/**
 * The value of the last text part called `name` (a part with a filename is a file, not a field), or
 * undefined. Part headers are read as RFC 7578 writes them; a body this misreads is parsed in full later.
 */
export function multipartTextField(body: Buffer, boundary: string, name: string, max: number): string | undefined {
  const ending = Buffer.from(`\r\n--${boundary}`, 'latin1');
  let found: string | undefined;
  for (const start of partStarts(body, boundary, max)) {
    const headersEnd = body.indexOf(HEADER_END, start);
    if (headersEnd < 0) continue;
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(body.toString('utf8', start, headersEnd))?.[1] ?? '';
    const partName = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (partName !== name || /;\s*filename\*?=/i.test(disposition)) continue;
    const valueEnd = body.indexOf(ending, headersEnd + 4);
    if (valueEnd >= 0) found = body.toString('utf8', headersEnd + 4, valueEnd);
  }
  return found;
}
