// `flamelens push FILE --server URL --app NAME`: sends a profile, as pprof, to Grafana Pyroscope's
// ingest API (the request is built by src/export/pyroscope.ts). Nothing is sent unless asked;
// the profile file is only read, so it stays on disk whatever the server says.
import * as http from 'node:http';
import * as https from 'node:https';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parseArgs, parseDuration, UsageError, type ParsedArgs } from './args';
import { InputError, loadProfileFile, loadProfileParts } from './analyze';
import { profileLoadFlags, profileLoadHelp, profileLoadOptions, profileLoadValues } from './load-options';
import { info, out } from './io';
import { encodePprof } from '../export/pprof';
import { describeIngestUrl, ingestRequest, parseLabel, PushTargetError, type IngestRequest, type PyroscopeTarget } from '../export/pyroscope';
import { escapeControlText } from '../model/escape-text';
import { captureTimeRange, sliceTimeRange } from '../capture-time-range';
import type { Profile } from '../model/types';

export const pushHelp = `Usage: flamelens push FILE --server URL --app NAME [options]

Sends a profile (.cpuprofile, .heapprofile, pprof; .gz too), source-mapped and converted to pprof,
to Grafana Pyroscope's ingest API (POST URL/ingest), covering the time it was recorded. The file
stays as it is.

Options:
  --server URL          Pyroscope (or Grafana Cloud Profiles) base URL, e.g. http://localhost:4040
  --app NAME            application name (letters, digits, _ . - : /)
  --label K=V           a label on the series; repeat for more (e.g. --label env=ci --label branch=main)
  --token T             bearer token (Authorization: Bearer T)
  --basic-auth U:P      HTTP basic auth (Grafana Cloud: instance id and access token)
  --tenant ID           tenant of a multi-tenant Pyroscope (X-Scope-OrgID header)
  --timeout TIME        give up after TIME (default 30s; a bare number is seconds)
${profileLoadHelp}
  -h, --help            show this help

Exit codes: 0 sent, 2 usage error, unreadable profile, or the server refused or could not be reached.`;

/** The push options, shared with `flamelens record --push URL`. */
export const pushValueOptions = ['app', 'token', 'basic-auth', 'tenant', 'timeout'] as const;
export const pushOptionsHelp = `  --push URL            at the end, send each profile to Grafana Pyroscope at URL (needs --app)
  --app NAME, --label K=V (repeatable), --token T | --basic-auth U:P, --tenant ID, --timeout TIME
                        as for \`flamelens push\``;

/** A push that did not get through: the message says why and what to do (exit 2). */
export class PushError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushError';
  }
}

export interface PushSettings {
  target: PyroscopeTarget;
  timeoutMs: number;
}

/**
 * Takes every `--NAME v` / `--NAME=v` out of argv (parseArgs keeps one value per option), up to
 * `--` or, with `valueOptions`, up to the first positional that is not an option's value.
 */
export function takeRepeated(argv: readonly string[], name: string, valueOptions?: ReadonlySet<string>): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--' || (valueOptions !== undefined && !a.startsWith('-'))) {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === `--${name}`) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      values.push(v);
      i++;
    } else if (a.startsWith(`--${name}=`)) {
      values.push(a.slice(name.length + 3));
    } else {
      rest.push(a);
      // Keep an option's value with it, so it is not taken for the command.
      if (valueOptions?.has(a.replace(/^--/, '')) && i + 1 < argv.length) rest.push(argv[++i]!);
    }
  }
  return { values, rest };
}

/** The push settings from parsed options (`server` from --server or record's --push). */
export function pushSettings(server: string, args: ParsedArgs, labelTexts: readonly string[]): PushSettings {
  const app = args.values.get('app');
  if (app === undefined) throw new UsageError('pushing needs --app NAME (the application name in Pyroscope)');
  const timeoutText = args.values.get('timeout');
  const timeoutMs = timeoutText === undefined ? 30_000 : parseDuration(timeoutText, 's', '--timeout');
  try {
    const labels = labelTexts.map(parseLabel);
    const target: PyroscopeTarget = { server, app, labels };
    for (const [key, option] of [['token', 'token'], ['basicAuth', 'basic-auth'], ['tenant', 'tenant']] as const) {
      const v = args.values.get(option);
      if (v !== undefined) target[key] = v;
    }
    // Checks everything about the target now, before a program runs or a profile is read.
    ingestRequest(target, new Uint8Array(0), 1000, 1000, 'check');
    return { target, timeoutMs };
  } catch (e) {
    if (e instanceof PushTargetError) throw new UsageError(e.message);
    throw e;
  }
}

export async function pushCommand(argv: string[]): Promise<number> {
  const { values: labelTexts, rest } = takeRepeated(argv, 'label');
  const args = parseArgs(rest, { values: ['server', ...pushValueOptions, ...profileLoadValues], flags: [...profileLoadFlags] });
  if (args.flags.has('help')) {
    out(pushHelp);
    return 0;
  }
  const file = args.positionals[0];
  if (file === undefined) throw new UsageError('push needs a profile file');
  if (args.positionals.length > 1) throw new UsageError('push takes one profile file');
  const server = args.values.get('server');
  if (server === undefined) throw new UsageError('push needs --server URL (e.g. http://localhost:4040)');
  const settings = pushSettings(server, args, labelTexts);
  const { profile, whole } = await loadProfileParts(file, profileLoadOptions(args));
  await pushProfile(file, profile, settings, whole);
  return 0;
}

/**
 * Sends one loaded profile; throws PushError when it did not get through. `whole`: the recording
 * `profile` was cut from (--from/--to), so that it is sent as covering its own time, not all of it.
 */
export async function pushProfile(file: string, profile: Profile, settings: PushSettings, whole: Profile = profile): Promise<void> {
  const range = sliceTimeRange(captureTimeRange(file, whole), whole, profile);
  const pprofGz = gzipSync(encodePprof(profile, { startedAtMs: range.startMs }));
  const request = ingestRequest(settings.target, pprofGz, range.startMs, range.endMs, `flamelens-${randomBytes(16).toString('hex')}`);
  const where = describeIngestUrl(request.url);
  info(`pushing ${file} (${pprofGz.length} bytes of pprof) to ${where}`);
  const reply = await send(request, settings.timeoutMs);
  if (reply.status < 200 || reply.status >= 300) {
    const body = reply.body.trim();
    const shown = body.length > 500 ? `${body.slice(0, 500)}… (${body.length} characters)` : body;
    const hint = reply.status >= 300 && reply.status < 400 ? ' (a redirect: give the final address as --server)' : reply.status === 401 || reply.status === 403 ? ' (check --token / --basic-auth / --tenant)' : reply.status === 404 ? ' (is --server the Pyroscope base URL?)' : '';
    throw new PushError(`${where} refused the profile: HTTP ${reply.status}${hint}${shown ? `: ${escapeControlText(shown)}` : ''}; ${file} is unchanged`);
  }
  info(`pushed to ${where} as ${settings.target.app} (HTTP ${reply.status})`);
}

interface Reply {
  status: number;
  body: string;
}

/** One POST, bounded by `timeoutMs` from start to the end of the reply; the reply body is capped. */
function send(request: IngestRequest, timeoutMs: number): Promise<Reply> {
  const where = describeIngestUrl(request.url);
  const client = request.url.protocol === 'https:' ? https : http;
  return new Promise<Reply>((resolve, reject) => {
    const req = client.request(request.url, { method: 'POST', headers: request.headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 64 * 1024) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
      // Cut off mid-reply (the server went away, or the timeout destroyed the request).
      res.on('close', () => {
        if (!res.complete) fail(new Error('the connection closed before the reply was complete'));
      });
    });
    const timeout = new PushError(`${where} did not answer within ${timeoutMs / 1000} s (raise --timeout?); the profile was not sent`);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(timeout);
    }, timeoutMs);
    function fail(e: unknown): void {
      clearTimeout(timer);
      reject(timedOut ? timeout : e instanceof PushError ? e : new PushError(describeNetworkError(where, e)));
    }
    req.on('error', fail);
    req.end(request.body);
  });
}

function describeNetworkError(where: string, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const reason: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is Pyroscope running there, on that port?)',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed (temporary)',
    ECONNRESET: 'the connection was reset',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
  };
  const text = (err?.code !== undefined ? reason[err.code] : undefined) ?? err?.message ?? String(e);
  return `cannot send to ${where}: ${text}; the profile was not sent`;
}

/** Loads and pushes; a PushError or unreadable profile becomes a message (for record --push). */
export async function pushFileQuietly(file: string, profile: Profile | undefined, settings: PushSettings): Promise<string | undefined> {
  try {
    await pushProfile(file, profile ?? (await loadProfileFile(file)), settings);
    return undefined;
  } catch (e) {
    if (e instanceof PushError || e instanceof InputError) return e.message;
    throw e;
  }
}
