// A strict reader of a small, whole multipart/form-data body (RFC 7578), for the artist app's one form that sends a
// file without JavaScript (the artwork upload). The body is already in memory and bounded by the route's limit, so
// this only splits it: each part's name, file name, type and bytes. Anything malformed is null, never a throw.
// No dependency: express has no multipart parser, and a form of two fields does not need a streaming one.

export interface MultipartPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

const MAX_PARTS = 8;
const MAX_HEADER_BYTES = 1024;

/** The boundary of a multipart/form-data Content-Type, or null for any other type. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function partHeaders(text: string): Omit<MultipartPart, 'data'> | null {
  let disposition: string | null = null;
  let contentType: string | null = null;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value.toLowerCase();
  }
  if (!disposition || !/^form-data\s*;/i.test(disposition)) return null;
  const field = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
  if (field === undefined) return null;
  const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
  return { name: field, filename, contentType };
}

/** The parts of `body`, or null when it is not a well-formed multipart body with that boundary. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] | null {
  const delimiter = Buffer.from(`--${boundary}`);
  const between = Buffer.from(`\r\n--${boundary}`);
  if (!body.subarray(0, delimiter.length).equals(delimiter)) return null;
  const parts: MultipartPart[] = [];
  let at = delimiter.length;
  for (;;) {
    const after = body.subarray(at, at + 2).toString('latin1');
    if (after === '--') return parts; // the closing delimiter (anything after it is epilogue)
    if (after !== '\r\n' || parts.length === MAX_PARTS) return null;
    const headersEnd = body.indexOf('\r\n\r\n', at + 2);
    if (headersEnd < 0 || headersEnd - at > MAX_HEADER_BYTES) return null;
    const headers = partHeaders(body.subarray(at + 2, headersEnd).toString('utf8'));
    const end = body.indexOf(between, headersEnd + 4);
    if (!headers || end < 0) return null;
    parts.push({ ...headers, data: body.subarray(headersEnd + 4, end) });
    at = end + between.length;
  }
}
