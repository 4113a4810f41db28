// The request that hands a pprof to Grafana Pyroscope's ingest API: POST /ingest with the
// application name and labels in `name=app{k=v,…}`, the capture's time range in UNIX seconds, and
// the gzip'd profile.proto as the `profile` part of a multipart/form-data body (the shape the
// Pyroscope Node.js SDK sends). Pure: the caller picks the boundary and sends the bytes.

export interface PyroscopeTarget {
  /** Base URL of the server (http or https), e.g. http://pyroscope:4040 or https://host/prefix. */
  server: string;
  app: string;
  labels?: readonly (readonly [string, string])[];
  /** Bearer token (Grafana Cloud, or a proxy in front of Pyroscope). */
  token?: string;
  /** "user:password" for HTTP basic auth. */
  basicAuth?: string;
  /** Tenant for multi-tenant Pyroscope (X-Scope-OrgID). */
  tenant?: string;
}

export interface IngestRequest {
  url: URL;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A target that Pyroscope would refuse (or that would mean something else than asked). */
export class PushTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushTargetError';
  }
}

// Pyroscope's application names and label keys (flameql): letters, digits and a few separators.
const appNamePattern = /^[A-Za-z0-9_.\-:/]+$/;
const labelKeyPattern = /^[A-Za-z_][A-Za-z0-9_.]*$/;
// A value must not close the label set or start another label; control characters are refused too.
// eslint-disable-next-line no-control-regex
const labelValueForbidden = /[{},="\\\u0000-\u001f\u007f]/;

/** Parses one `--label k=v`. */
export function parseLabel(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new PushTargetError(`label "${text}" is not key=value`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** Checks the target and returns the ingest URL's `name` parameter: app{k=v,…}. */
export function ingestName(app: string, labels: readonly (readonly [string, string])[] = []): string {
  if (!appNamePattern.test(app)) throw new PushTargetError(`application name "${app}" may only hold letters, digits and _ . - : /`);
  const seen = new Set<string>();
  for (const [key, value] of labels) {
    if (!labelKeyPattern.test(key)) throw new PushTargetError(`label key "${key}" must be a letter or _ followed by letters, digits, _ or .`);
    if (key === '__name__' || key === 'service_name') throw new PushTargetError(`label "${key}" is set by Pyroscope from --app`);
    if (seen.has(key)) throw new PushTargetError(`label "${key}" is given twice`);
    seen.add(key);
    if (value === '' || labelValueForbidden.test(value)) throw new PushTargetError(`label ${key}'s value "${value}" must be non-empty, without { } , = " \\ or control characters`);
  }
  return labels.length === 0 ? app : `${app}{${labels.map(([k, v]) => `${k}=${v}`).join(',')}}`;
}

/**
 * The ingest request for `pprofGz` (gzip'd profile.proto) covering [startMs, endMs] (ms since the
 * epoch); `boundary` separates the multipart parts and must not occur in the data (a random token).
 */
export function ingestRequest(target: PyroscopeTarget, pprofGz: Uint8Array, startMs: number, endMs: number, boundary: string): IngestRequest {
  let base: URL;
  try {
    base = new URL(target.server);
  } catch {
    throw new PushTargetError(`--server "${target.server}" is not a URL (e.g. http://localhost:4040)`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new PushTargetError(`--server must be an http:// or https:// URL, not ${base.protocol}`);
  if (base.username !== '' || base.password !== '') throw new PushTargetError('give credentials with --basic-auth or --token, not in the --server URL');
  if (base.search !== '' || base.hash !== '') throw new PushTargetError('--server must not have a query or fragment');
  if (target.token !== undefined && target.basicAuth !== undefined) throw new PushTargetError('use either --token or --basic-auth, not both');
  if (target.basicAuth !== undefined && !target.basicAuth.includes(':')) throw new PushTargetError('--basic-auth takes user:password');
  for (const [what, v] of [['--token', target.token], ['--basic-auth', target.basicAuth], ['--tenant', target.tenant]] as const) {
    // eslint-disable-next-line no-control-regex
    if (v !== undefined && (v === '' || /[\u0000-\u001f\u007f]/.test(v))) throw new PushTargetError(`${what} must be non-empty, without control characters`);
  }
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs <= 0 || endMs < startMs) {
    throw new PushTargetError('the profile has no usable time range');
  }

  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/ingest`, base);
  const from = Math.floor(startMs / 1000);
  url.searchParams.set('name', ingestName(target.app, target.labels));
  url.searchParams.set('from', String(from));
  // Pyroscope wants until > from: a short capture still covers one second.
  url.searchParams.set('until', String(Math.max(from + 1, Math.ceil(endMs / 1000))));
  url.searchParams.set('format', 'pprof');
  url.searchParams.set('spyName', 'flamelens');

  const enc = new TextEncoder();
  const head = enc.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="profile"; filename="profile.pb.gz"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = enc.encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.length + pprofGz.length + tail.length);
  body.set(head, 0);
  body.set(pprofGz, head.length);
  body.set(tail, head.length + pprofGz.length);

  const headers: Record<string, string> = {
    'content-type': `multipart/form-data; boundary=${boundary}`,
    'content-length': String(body.length),
    'user-agent': 'flamelens',
  };
  if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
  if (target.basicAuth !== undefined) headers.authorization = `Basic ${base64(enc.encode(target.basicAuth))}`;
  if (target.tenant !== undefined) headers['x-scope-orgid'] = target.tenant;
  return { url, headers, body };
}

/** The ingest URL for messages: origin and path (the query repeats what the user typed). */
export function describeIngestUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function base64(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    s += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + (b === undefined ? '=' : alphabet[(n >> 6) & 63]!) + (c === undefined ? '=' : alphabet[n & 63]!);
  }
  return s;
}
