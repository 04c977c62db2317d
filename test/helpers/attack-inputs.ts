// Malformed requests generated from the API's own OpenAPI document (GET /openapi.json), deterministically from a
// seed: the route fuzzer (test/security/route-fuzzer.test.ts), the tenant matrix and `npm run bench:abuse` share
// them. Every request is meant to be invalid: it must get a 4xx (or, for a read, any non-5xx answer) and change
// no row. Raw bytes are kept raw: bodies are Buffers and paths/queries are sent percent-encoded as written here.
import { seededRandom } from '../../lib/seeded-random';

export { seededRandom };
import { request as httpRequest, Agent } from 'node:http';
import { z } from 'zod';
import { sql, type DatabasePool } from '../../db/pool';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: Json[];
  const?: Json;
  format?: string;
  pattern?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  default?: Json;
};

export type Role = 'none' | 'artist' | 'ops' | 'any';
export interface Operation {
  method: string; // upper case
  path: string; // OpenAPI form, /v1/campaigns/{id}
  role: Role;
  params: string[];
  query: Record<string, Schema>;
  body?: Schema; // JSON body
  form: boolean;
  /** the form's documented fields (application/x-www-form-urlencoded) */
  formFields: string[];
}

export interface AttackRequest {
  op: string; // "POST /v1/campaigns"
  kind: string; // what is malformed
  method: string;
  path: string; // with query, percent-encoded as it goes on the wire
  headers: Record<string, string>;
  body?: Buffer;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as {
        'x-dropday-role': Role;
        parameters?: { name: string; in: string; schema: Schema }[];
        requestBody?: { content: Record<string, { schema: Schema }> };
      };
      const parameters = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        role: op['x-dropday-role'],
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema])),
        body: op.requestBody?.content['application/json']?.schema,
        form: Boolean(op.requestBody?.content['application/x-www-form-urlencoded']),
        formFields: Object.keys(op.requestBody?.content['application/x-www-form-urlencoded']?.schema?.properties ?? {}),
      });
    }
  }
  return ops;
}

export function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const NESTED_DEPTH = 2_000;
const deepArray = '['.repeat(NESTED_DEPTH) + ']'.repeat(NESTED_DEPTH);
const deepObject = '{"a":'.repeat(NESTED_DEPTH) + '1' + '}'.repeat(NESTED_DEPTH);

/** Path segment values: NUL and invalid UTF-8 percent-encoded, huge, empty-ish, numbers, traversal, random ids. */
function pathValues(random: () => number, foreignIds: string[]): [string, string][] {
  const id = seededUuid(random);
  return [
    ['nul', '%00'],
    ['nul inside', `a${id.slice(0, 8)}%00b`],
    ['nul after an id', `${id}%00`],
    ['invalid utf-8', '%FF%FE'],
    ['overlong utf-8', '%C0%AF'],
    ['lone surrogate', '%ED%A0%80'],
    ['huge', 'x'.repeat(4_000)],
    ['blank', '%20'],
    ['negative number', '-1'],
    ['huge number', '99999999999999999999999999'],
    ['float', '1e308'],
    ['traversal', '..%2F..%2Fetc%2Fpasswd'],
    ['sql', "'%20OR%201%3D1--"],
    ['emoji', '%F0%9F%92%A9'],
    ['random uuid', id],
    ['uppercase random uuid', seededUuid(random).toUpperCase()],
    ['control characters', '%01%02%1B%7F'],
    ...foreignIds.map((f, i): [string, string] => [`foreign id ${i}`, f]),
  ];
}

/** Query strings, generic and per documented parameter. */
function queryValues(op: Operation, random: () => number): [string, string][] {
  const generic: [string, string][] = [
    ['nul name and value', '%00=%00'],
    ['invalid utf-8 value', 'x=%FF%FE'],
    ['huge value', `x=${'y'.repeat(6_000)}`],
    ['nested brackets', 'a[b][c][d][e][f][g]=1'],
    ['repeated key', 'x=1&x=2&x=3'],
  ];
  const perParam: [string, string][] = [];
  for (const [name, schema] of Object.entries(op.query)) {
    const values: [string, string][] = [
      ['nul', '%00'],
      ['invalid utf-8', '%FF'],
      ['huge', 'z'.repeat(3_000)],
      ['empty', ''],
      ['array', '__ARRAY__'],
      ['wrong type', String(Math.floor(random() * 1e9))],
      ['negative', '-1'],
    ];
    if (name === 'tz') values.push(['invalid zone', 'Mars%2FOlympus'], ['zone with nul', 'Europe%2FParis%00']);
    if (schema.format === 'date-time' || name === 'from' || name === 'to')
      values.push(['invalid date', '2024-02-30T00%3A00%3A00Z'], ['year 0', '0000-00-00T99%3A99%3A99Z']);
    for (const [kind, value] of values)
      perParam.push([`query ${name}: ${kind}`, value === '__ARRAY__' ? `${name}=a&${name}=b` : `${name}=${value}`]);
  }
  return [...generic, ...perParam];
}

/** A plausible value of a schema (not necessarily valid): the base every per-field mutation starts from. */
export function sampleOf(schema: Schema | undefined, random: () => number, ids: Record<string, string> = {}): Json {
  if (!schema) return 'x';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return sampleOf(alternatives[0], random, ids);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [name, prop] of Object.entries(schema.properties ?? {}))
        if (schema.required?.includes(name)) out[name] = ids[name] ?? sampleOf(prop, random, ids);
      return out;
    }
    case 'array':
      return [sampleOf(schema.items, random, ids)];
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'uuid') return seededUuid(random);
      if (schema.format === 'date') return '2031-01-01';
      if (schema.format === 'date-time') return '2031-01-01T00:00:00Z';
      return 'x';
    default:
      return 'x';
  }
}

/** Wrong values for one field: each makes a body invalid on its own. */
function fieldMutations(schema: Schema): [string, Json | { raw: string }][] {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const out: [string, Json | { raw: string }][] = [
    ['nul', 'a\u0000b'],
    ['invalid utf-8', { raw: '"\\u00ff__INVALID_UTF8__"' }],
    ['nested', { a: { b: { c: [[[]]] } } }],
    ['deep nesting', { raw: deepArray }],
  ];
  if (type === 'string' || !type) {
    out.push(['number instead of string', 42], ['huge string', 'h'.repeat(20_000)], ['empty string', '']);
    if (schema.format === 'date') out.push(['invalid date', '2031-02-30'], ['huge year', '275760-09-14']);
    if (schema.format === 'date-time') out.push(['invalid date-time', '2031-13-01T25:61:00Z']);
    if (schema.format === 'uuid') out.push(['not a uuid', 'not-a-uuid'], ['uuid with nul', `${'0'.repeat(8)}\u0000`]);
  }
  if (type === 'integer' || type === 'number')
    out.push(['string instead of number', '12'], ['negative', -1], ['huge number', { raw: '1e400' }], ['float', 0.5]);
  if (type === 'boolean') out.push(['string instead of boolean', 'true']);
  if (type === 'array') out.push(['object instead of array', {}], ['huge array', Array(5_000).fill(0)]);
  if (type === 'object') out.push(['array instead of object', []]);
  return out;
}

const INVALID_UTF8 = Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]);

function jsonBuffer(value: Json | { raw: string }, field?: string, base?: Record<string, Json>): Buffer {
  const fieldValue = (v: Json | { raw: string }) =>
    v !== null && typeof v === 'object' && 'raw' in v && typeof v.raw === 'string' ? v.raw : JSON.stringify(v);
  let text: string;
  if (field !== undefined && base) {
    const parts = Object.entries(base)
      .filter(([k]) => k !== field)
      .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`${JSON.stringify(field)}:${fieldValue(value)}`);
    text = `{${parts.join(',')}}`;
  } else text = fieldValue(value);
  const [before, after] = text.split('\\u00ff__INVALID_UTF8__');
  return after === undefined
    ? Buffer.from(text)
    : Buffer.concat([Buffer.from(before), INVALID_UTF8, Buffer.from(after)]);
}

function bodyRequests(op: Operation, random: () => number): { kind: string; body: Buffer; type: string }[] {
  const json = 'application/json';
  const out: { kind: string; body: Buffer; type: string }[] = [
    { kind: 'body: empty object', body: Buffer.from('{}'), type: json },
    { kind: 'body: array', body: Buffer.from('[]'), type: json },
    { kind: 'body: null', body: Buffer.from('null'), type: json },
    { kind: 'body: string', body: Buffer.from('"x"'), type: json },
    { kind: 'body: number', body: Buffer.from('-1e400'), type: json },
    { kind: 'body: malformed json', body: Buffer.from('{"a":'), type: json },
    { kind: 'body: raw nul byte', body: Buffer.from('{"a":"\u0000"}'), type: json },
    {
      kind: 'body: invalid utf-8',
      body: Buffer.concat([Buffer.from('{"'), INVALID_UTF8, Buffer.from('":1}')]),
      type: json,
    },
    { kind: 'body: deep array', body: Buffer.from(deepArray), type: json },
    { kind: 'body: deep object', body: Buffer.from(deepObject), type: json },
    { kind: 'body: too large', body: Buffer.from(JSON.stringify({ a: 'b'.repeat(200_000) })), type: json },
    { kind: 'body: wrong content type', body: Buffer.from('name=x'), type: 'text/plain' },
    {
      kind: 'body: __proto__',
      body: Buffer.from('{"__proto__":{"admin":true},"constructor":{"prototype":{}}}'),
      type: json,
    },
  ];
  if (!op.body) return out;
  const base = sampleOf(op.body, random) as Record<string, Json>;
  const alternative = op.body.oneOf ?? op.body.anyOf;
  const objectSchema = alternative ? alternative[0] : op.body;
  out.push({ kind: 'body: extra field', body: Buffer.from(JSON.stringify({ ...base, zzExtra: 1 })), type: json });
  for (const name of objectSchema.required ?? []) {
    const { [name]: _dropped, ...rest } = base;
    out.push({ kind: `body: missing ${name}`, body: Buffer.from(JSON.stringify(rest)), type: json });
  }
  for (const [name, prop] of Object.entries(objectSchema.properties ?? {})) {
    for (const [kind, value] of fieldMutations(prop))
      out.push({ kind: `body ${name}: ${kind}`, body: jsonBuffer(value, name, base), type: json });
  }
  return out;
}

function formRequests(documented: string[]): { kind: string; body: Buffer; type: string }[] {
  const form = 'application/x-www-form-urlencoded';
  const fields = [
    ...new Set([...documented, 'email', 'key', 'choice', 'signed_request', 'consent', 'csrf', 'name', 'phone', 'next']),
  ];
  const out = [
    { kind: 'form: empty', body: Buffer.from(''), type: form },
    { kind: 'form: nul', body: Buffer.from(fields.map((f) => `${f}=%00`).join('&')), type: form },
    { kind: 'form: invalid utf-8', body: Buffer.from(fields.map((f) => `${f}=%FF%FE`).join('&')), type: form },
    { kind: 'form: raw invalid utf-8', body: Buffer.concat([Buffer.from('email='), INVALID_UTF8]), type: form },
    { kind: 'form: nested', body: Buffer.from('email[a][b]=1&consent[]=1&consent[]=2'), type: form },
    { kind: 'form: repeated', body: Buffer.from('email=a%40b.c&email=d%40e.f&consent=1&consent=on'), type: form },
    { kind: 'form: huge', body: Buffer.from(`email=${'e'.repeat(50_000)}`), type: form },
    { kind: 'form: json instead', body: Buffer.from('{"email":"a@b.c"}'), type: 'application/json' },
    {
      kind: 'form: email with nul',
      body: Buffer.from('email=fan%00%40example.com&consent=on&choice=allow'),
      type: form,
    },
    { kind: 'form: bad email', body: Buffer.from('email=not-an-email&consent=on'), type: form },
    { kind: 'form: key with nul', body: Buffer.from('key=dd_%00&returnTo=%00'), type: form },
  ];
  // Each documented field alone malformed, the others absent.
  for (const field of documented)
    out.push(
      { kind: `form ${field}: huge`, body: Buffer.from(`${field}=${'x'.repeat(9_000)}`), type: form },
      { kind: `form ${field}: nested`, body: Buffer.from(`${field}[a][b][c]=1`), type: form },
      { kind: `form ${field}: repeated`, body: Buffer.from(`${field}=1&${field}=2`), type: form },
    );
  return out;
}

/** Credentials that must not be accepted (the route's right one is sent everywhere else). */
function badCredentials(random: () => number, wrongRole?: string): [string, Record<string, string>][] {
  const garbage = Array.from({ length: 40 }, () => String.fromCharCode(33 + Math.floor(random() * 94))).join('');
  return [
    ['credentials: none', {}],
    ['credentials: empty bearer', { authorization: 'Bearer ' }],
    ['credentials: random key', { authorization: `Bearer ${garbage.replace(/\s/g, '')}` }],
    ['credentials: latin-1 bytes', { authorization: 'Bearer \u00ff\u00fe\u00c0' }],
    ['credentials: huge', { authorization: `Bearer ${'k'.repeat(6_000)}` }],
    ['credentials: basic', { authorization: 'Basic YWRtaW46YWRtaW4=' }],
    ['credentials: two tokens', { authorization: 'Bearer a b' }],
    ['credentials: forged session cookie', { cookie: 'dd_app_session=eyJhIjoiMSJ9.AAAA; dd_ops_session=x.y' }],
    ...(wrongRole
      ? [['credentials: other role', { authorization: `Bearer ${wrongRole}` }] as [string, Record<string, string>]]
      : []),
  ];
}

export interface AttackContext {
  seed: number;
  /** the right key for each role */
  keys: { artist: string; ops: string };
  /** ids that exist but belong to someone else */
  foreignIds: string[];
  /** at least this many requests per operation (padded with seeded random mutations) */
  minPerOperation?: number;
}

/** Every malformed request for every documented operation. */
export function attackRequests(doc: OpenApiDocument, ctx: AttackContext): AttackRequest[] {
  const random = seededRandom(ctx.seed);
  const min = ctx.minPerOperation ?? 20;
  const out: AttackRequest[] = [];
  for (const op of operationsOf(doc)) {
    const name = `${op.method} ${op.path}`;
    const auth: Record<string, string> =
      op.role === 'artist' || op.role === 'any'
        ? { authorization: `Bearer ${ctx.keys.artist}` }
        : op.role === 'ops'
          ? { authorization: `Bearer ${ctx.keys.ops}` }
          : {};
    const mine: AttackRequest[] = [];
    const fill = (path: string, kind: string, extra: Record<string, string> = {}, body?: Buffer, type?: string) =>
      mine.push({
        op: name,
        kind,
        method: op.method,
        path,
        headers: { ...auth, ...(type ? { 'content-type': type } : {}), ...extra },
        body,
      });
    const sampleParams = () => Object.fromEntries(op.params.map((p) => [p, seededUuid(random)]));
    const render = (values: Record<string, string>) =>
      op.path.replace(/\{(\w+)\}/g, (_, p: string) => values[p] ?? seededUuid(random));
    // 1. every path parameter malformed (the others random ids that exist nowhere)
    for (const param of op.params)
      // (an ops key may act on any tenant's ids: foreign ids are malformed input for the other roles only)
      for (const [kind, value] of pathValues(random, op.role === 'ops' ? [] : ctx.foreignIds))
        fill(render({ ...sampleParams(), [param]: value }), `path ${param}: ${kind}`);
    // A write with no parameter and no documented input (DELETE /v1/accounts/me, POST /v1/ops/key-rotations...)
    // is valid whatever its query or body: only its credentials can be wrong.
    const inputless = op.method !== 'GET' && op.params.length === 0 && !op.body && !op.form;
    const destructive = inputless && op.role !== 'none';
    const bodyless = op.method === 'GET' || op.method === 'DELETE';
    if (!destructive) {
      // 2. malformed queries (on a path whose ids exist nowhere: never a valid write)
      const basePath = render(sampleParams());
      // A read with no documented input ignores a well-formed query (GET /privacy/delete/spotify starts a sign-in
      // whatever follows the ?): it gets only the malformed ones.
      const ignoresQuery = op.params.length === 0 && Object.keys(op.query).length === 0;
      const queries = queryValues(op, random).filter(([, q]) => !ignoresQuery || /%00|%FF/.test(q));
      for (const [kind, query] of queries)
        if (op.method === 'GET' || op.params.length) fill(`${basePath}?${query}`, kind);
      // 3. malformed bodies
      if (!bodyless) {
        const bodies = op.form ? formRequests(op.formFields) : bodyRequests(op, random);
        for (const b of bodies) fill(basePath, b.kind, {}, b.body, b.type);
      }
    }
    // 4. wrong credentials where credentials are needed (or where nothing else can be wrong)
    if (op.role !== 'none' || inputless) {
      const wrongRole = op.role === 'ops' ? ctx.keys.artist : op.role === 'artist' ? ctx.keys.ops : undefined;
      for (const [kind, headers] of badCredentials(random, wrongRole))
        mine.push({
          op: name,
          kind,
          method: op.method,
          path: render(sampleParams()),
          headers: bodyless ? headers : { ...headers, 'content-type': 'application/json' },
          body: bodyless ? undefined : Buffer.from('{}'),
        });
    }
    // 5. pad with seeded random junk up to the minimum
    let n = 0;
    while (mine.length < min && !destructive) {
      const junk = Array.from({ length: 1 + Math.floor(random() * 64) }, () =>
        Math.floor(random() * 256)
          .toString(16)
          .padStart(2, '0'),
      );
      if (op.params.length)
        fill(render({ ...sampleParams(), [op.params[0]]: junk.map((h) => `%${h}`).join('') }), `random bytes ${n++}`);
      // random bytes after an 0xFF, which is never UTF-8
      else fill(`${render({})}?%FF${junk.map((h) => `%${h}`).join('')}=${junk.join('')}`, `random query ${n++}`);
    }
    while (mine.length < min && destructive)
      mine.push({
        op: name,
        kind: `credentials: random ${n++}`,
        method: op.method,
        path: render({}),
        headers: { authorization: `Bearer dd_${seededUuid(random)}` },
      });
    out.push(...mine);
  }
  return out;
}

export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** Sends one request byte for byte (no client-side normalisation of the path or body). */
export function send(baseUrl: string, req: AttackRequest, timeoutMs = 30_000): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        agent,
        timeout: timeoutMs,
        headers: { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
        );
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timeout: ${req.method} ${req.path.slice(0, 100)}`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

export function closeAgent() {
  agent.destroy();
}

/** Rows per table in `public`, one round trip. */
export async function countRows(pool: DatabasePool): Promise<Record<string, number>> {
  const tables = await pool.anyFirst(sql.type(z.object({ relname: z.string() }))`
    SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public' ORDER BY relname`);
  const counts = await pool.any(
    sql.type(z.object({ t: z.string(), n: z.coerce.number() }))`${sql.join(
      tables.map((t) => sql.fragment`SELECT ${t}::text AS t, count(*) AS n FROM ${sql.identifier(['public', t])}`),
      sql.fragment` UNION ALL `,
    )}`,
  );
  return Object.fromEntries(counts.map((c) => [c.t, c.n]));
}

/** Tables whose count differs, as "table: before → after". */
export function changedTables(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys({ ...before, ...after })
    .filter((t) => before[t] !== after[t])
    .map((t) => `${t}: ${before[t]} → ${after[t]}`);
}
