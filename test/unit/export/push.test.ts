// `flamelens push` and `record --push`, run as users run them (the bundled CLI in a real process).
// No Grafana Pyroscope can run on these machines: the server here is a STAND-IN for Pyroscope's
// ingest endpoint, on 127.0.0.1, that checks what Pyroscope would read — POST /ingest with
// name/from/until/format, the `profile` part of a multipart/form-data body — and decodes that
// part as gzip'd profile.proto with `pprof-format`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { Profile as PprofProfile } from 'pprof-format';
import { ingestName, ingestRequest, parseLabel, PushTargetError } from '../../../src/export/pyroscope';
import { buildBundles, busyFunction, repoRoot, scratchDir, startProcess, writeFiles } from '../../support/capture-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

const fixture = path.join(repoRoot, 'test/fixtures', 'small-marked-1000us.cpuprofile');

interface Received {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  /** The `profile` part, decoded. */
  profile: PprofProfile;
  partHeaders: string;
}

/** The stand-in for Pyroscope: records each ingest request, answers with `reply` (or never). */
class PyroscopeStandIn {
  readonly received: Received[] = [];
  readonly problems: string[] = [];
  private server = http.createServer((req, res) => this.handle(req, res));
  constructor(private reply: { status: number; body: string } | 'never' = { status: 200, body: '' }) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = Buffer.concat(chunks);
        const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(req.headers['content-type'] ?? '')?.[1];
        assert.ok(boundary, `multipart content type, got ${req.headers['content-type']}`);
        const { headers, data } = profilePart(body, boundary);
        this.received.push({ method: req.method ?? '', url: new URL(req.url ?? '/', 'http://x'), headers: req.headers, profile: PprofProfile.decode(gunzipSync(data)), partHeaders: headers });
      } catch (e) {
        this.problems.push((e as Error).message);
      }
      if (this.reply === 'never') return; // Keep the client waiting.
      res.writeHead(this.reply.status, { 'content-type': 'text/plain' });
      res.end(this.reply.body);
    });
  }
}

/** The headers and bytes of the part named "profile" of a multipart/form-data body. */
function profilePart(body: Buffer, boundary: string): { headers: string; data: Buffer } {
  const delimiter = Buffer.from(`--${boundary}`);
  assert.equal(body.indexOf(delimiter), 0, 'the body starts with the boundary');
  let at = 0;
  for (;;) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // closing delimiter
    const headerEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd);
    assert.ok(headerEnd > 0 && next > 0, 'a complete part');
    const headers = body.subarray(start + 2, headerEnd).toString('utf8');
    if (/name="profile"/.test(headers)) return { headers, data: body.subarray(headerEnd + 4, next) };
    at = next + 2;
  }
  throw new Error('no "profile" part in the multipart body');
}

async function flamelens(args: string[], cwd = repoRoot): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startProcess([cli, ...args], cwd);
  const killer = setTimeout(run.kill, 240_000);
  const { code } = await run.exited.finally(() => clearTimeout(killer));
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

const servers: PyroscopeStandIn[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});
async function standIn(reply?: { status: number; body: string } | 'never'): Promise<{ server: PyroscopeStandIn; url: string }> {
  const server = new PyroscopeStandIn(reply);
  servers.push(server);
  return { server, url: await server.start() };
}

test('push sends the pprof as the multipart "profile" part, with name{labels}, time range, tenant and bearer token', async () => {
  const { server, url } = await standIn();
  const before = fs.readFileSync(fixture);
  const r = await flamelens(['push', fixture, '--server', `${url}/`, '--app', 'shop.api', '--label', 'env=ci', '--label=branch=main', '--tenant', 'team-a', '--token', 's3cret']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(server.problems, []);
  assert.equal(server.received.length, 1);
  const got = server.received[0]!;
  assert.equal(got.method, 'POST');
  assert.equal(got.url.pathname, '/ingest');
  assert.equal(got.url.searchParams.get('name'), 'shop.api{env=ci,branch=main}');
  assert.equal(got.url.searchParams.get('format'), 'pprof');
  const from = Number(got.url.searchParams.get('from'));
  const until = Number(got.url.searchParams.get('until'));
  assert.ok(Number.isInteger(from) && from > 1_600_000_000, `from is UNIX seconds: ${from}`);
  assert.ok(until > from, `until ${until} after from ${from}`);
  assert.equal(got.headers['x-scope-orgid'], 'team-a');
  assert.equal(got.headers.authorization, 'Bearer s3cret');
  assert.match(got.partHeaders, /Content-Disposition: form-data; name="profile"; filename="profile\.pb\.gz"/);
  // What Pyroscope reads from the part: a CPU pprof whose start is the `from` second.
  const pb = got.profile;
  const str = (i: number | bigint) => pb.stringTable.strings[Number(i)];
  assert.deepEqual(pb.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`), ['samples/count', 'cpu/nanoseconds']);
  assert.ok(pb.sample.length > 0, 'samples');
  assert.equal(Math.floor(Number(pb.timeNanos) / 1e9), from);
  assert.ok(r.stderr.includes(`pushed to ${url}/ingest as shop.api (HTTP 200)`), r.stderr);
  assert.deepEqual(fs.readFileSync(fixture), before, 'the profile file is unchanged');
});

test('push with --basic-auth sends an Authorization: Basic header (password with a colon kept)', async () => {
  const { server, url } = await standIn();
  const r = await flamelens(['push', fixture, '--server', url, '--app', 'app', '--basic-auth', '12345:glc_a:b']);
  assert.equal(r.code, 0, r.stderr);
  const auth = server.received[0]?.headers.authorization ?? '';
  assert.match(auth, /^Basic /);
  assert.equal(Buffer.from(auth.slice(6), 'base64').toString('utf8'), '12345:glc_a:b');
  assert.equal(server.received[0]?.headers['x-scope-orgid'], undefined, 'no tenant header unless asked');
  assert.equal(server.received[0]?.url.searchParams.get('name'), 'app');
});

test('a refusal (401) exits 2 and shows the server\'s body, escaped and cut short', async () => {
  const body = `invalid token\x1b[31m for tenant ${'x'.repeat(2000)}`;
  const { server, url } = await standIn({ status: 401, body });
  const r = await flamelens(['push', fixture, '--server', url, '--app', 'app', '--token', 'wrong']);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(server.received.length, 1);
  assert.match(r.stderr, /refused the profile: HTTP 401 \(check --token \/ --basic-auth \/ --tenant\): invalid token\\x1b\[31m for tenant x+… \(\d+ characters\); .*small-marked-1000us\.cpuprofile is unchanged/);
  assert.ok(!r.stderr.includes('\x1b'), 'no raw escape sequence reaches the terminal');
  assert.ok(r.stderr.length < 1500, 'the body is truncated');
  assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/);
});

test('a 500 exits 2 with the status', async () => {
  const { url } = await standIn({ status: 500, body: 'ingester unavailable' });
  const r = await flamelens(['push', fixture, '--server', url, '--app', 'app']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /HTTP 500: ingester unavailable/);
});

test('a refused connection exits 2 and says so', async () => {
  // A port that was just free: listen, note it, close.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const r = await flamelens(['push', fixture, '--server', `http://127.0.0.1:${port}`, '--app', 'app']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /cannot send to http:\/\/127\.0\.0\.1:\d+\/ingest: connection refused .*; the profile was not sent/);
});

test('a server that never answers: push gives up after --timeout and exits 2', async () => {
  const { server, url } = await standIn('never');
  const r = await flamelens(['push', fixture, '--server', url, '--app', 'app', '--timeout', '1s']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /did not answer within 1 s \(raise --timeout\?\)/);
  assert.equal(server.received.length, 1, 'the request did arrive');
});

test('push usage errors exit 2 before anything is sent', async () => {
  const { server, url } = await standIn();
  const cases: [string[], RegExp][] = [
    [['push', fixture, '--app', 'app'], /push needs --server URL/],
    [['push', fixture, '--server', url], /needs --app NAME/],
    [['push', fixture, '--server', 'localhost:4040', '--app', 'app'], /--server must be an http:\/\/ or https:\/\/ URL/],
    [['push', fixture, '--server', url, '--app', 'app', '--label', 'env'], /label "env" is not key=value/],
    [['push', fixture, '--server', url, '--app', 'app', '--label', 'env=a,b=c'], /label env's value "a,b=c" must be non-empty/],
    [['push', fixture, '--server', url, '--app', 'app', '--token', 't', '--basic-auth', 'u:p'], /either --token or --basic-auth/],
    [['push', fixture, '--server', url.replace('http://', 'http://u:p@'), '--app', 'app'], /not in the --server URL/],
    [['push', path.join(repoRoot, 'no-such.cpuprofile'), '--server', url, '--app', 'app'], /no-such\.cpuprofile: no such file/],
  ];
  for (const [args, message] of cases) {
    const r = await flamelens(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(server.received.length, 0, 'nothing was sent');
});

test('record --push sends each profile of the run at its end; without --push nothing is sent', async () => {
  const { server, url } = await standIn();
  const dir = scratchDir('export-push-record');
  writeFiles(dir, { 'busy.js': `${busyFunction('spin', 300)}spin();\n` });
  const r = await flamelens(['record', '--no-html', '--out', 'out', '--push', url, '--app', 'busy', '--label', 'run=test', '--', 'node', 'busy.js'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(server.problems, []);
  assert.equal(server.received.length, 1, r.stderr);
  const got = server.received[0]!;
  assert.equal(got.url.searchParams.get('name'), 'busy{run=test}');
  const pb = got.profile;
  const names = new Set(pb.function.map((f) => pb.stringTable.strings[Number(f.name)]));
  assert.ok(names.has('spin'), 'the recorded function is in the pushed profile');
  // The capture's own time range, from the agent's sidecar.
  const sidecar = fs.readdirSync(path.join(dir, 'out'), { recursive: true }).map(String).find((f) => /\d+-\d+\.json$/.test(f));
  assert.ok(sidecar);
  const { startTime } = JSON.parse(fs.readFileSync(path.join(dir, 'out', sidecar), 'utf8')) as { startTime: number };
  assert.equal(Number(got.url.searchParams.get('from')), Math.floor(startTime / 1000));

  const plain = await flamelens(['record', '--no-html', '--out', 'out2', '--', 'node', 'busy.js'], dir);
  assert.equal(plain.code, 0, plain.stderr);
  const stray = await flamelens(['record', '--no-html', '--out', 'out3', '--app', 'busy', '--', 'node', 'busy.js'], dir);
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /go with --push URL/);
  assert.equal(server.received.length, 1, 'only the run with --push sent anything');
});

test('push and export --format pprof of a --from/--to slice: the time range is the slice\'s, not the whole recording\'s', async () => {
  const { server, url } = await standIn();
  const dir = scratchDir('export-push-slice');
  writeFiles(dir, { 'phases.js': `${busyFunction('early', 1500)}${busyFunction('late', 1500)}early();\nlate();\n` });
  const rec = await flamelens(['record', '--no-html', '--out', 'out', '--', 'node', 'phases.js'], dir);
  assert.equal(rec.code, 0, rec.stderr);
  const files = fs.readdirSync(path.join(dir, 'out'));
  const profile = path.join(dir, 'out', files.find((f) => f.endsWith('.cpuprofile'))!);
  const { startTime, endTime } = JSON.parse(fs.readFileSync(profile.replace(/\.cpuprofile$/, '.json'), 'utf8')) as { startTime: number; endTime: number };
  assert.ok(endTime - startTime > 2800, `the recording lasts ${endTime - startTime} ms`);
  for (const [from, to] of [[0, 1], [1.6, 2.6]] as const) {
    const range = ['--from', `${from}s`, '--to', `${to}s`, '--no-source-maps'];
    const r = await flamelens(['push', profile, '--server', url, '--app', 'phases', ...range], dir);
    assert.equal(r.code, 0, r.stderr);
    const got = server.received.at(-1)!;
    // The slice starts `from` after the first sample (which follows the recording's start by a few ms).
    const startMs = Number(got.profile.timeNanos) / 1e6;
    assert.ok(Math.abs(startMs - (startTime + from * 1000)) < 300, `--from ${from}s: pushed as starting ${startMs - startTime} ms into the recording`);
    assert.equal(Number(got.url.searchParams.get('from')), Math.floor(startMs / 1000));
    const until = Number(got.url.searchParams.get('until'));
    assert.ok(until <= Math.ceil((startMs + 1000) / 1000) && until > Number(got.url.searchParams.get('from')), `until ${until} for a 1 s slice from ${startMs}`);
    assert.ok(Math.abs(Number(got.profile.durationNanos) - 1e9) < 1e6, `duration ${got.profile.durationNanos} ns`);
    // The exported file says the same.
    const out = path.join(dir, `slice-${from}.pb.gz`);
    const e = await flamelens(['export', profile, '--format', 'pprof', '-o', out, ...range], dir);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(PprofProfile.decode(gunzipSync(fs.readFileSync(out))).timeNanos, got.profile.timeNanos);
  }
  assert.deepEqual(server.problems, []);
});

test('push and export of a pprof keep the time it says it was recorded (time_nanos), not its file\'s mtime', async () => {
  const { server, url } = await standIn();
  const dir = scratchDir('export-push-pprof-time');
  const pb = path.join(dir, 'marked.pb.gz');
  const e = await flamelens(['export', fixture, '--format', 'pprof', '-o', pb, '--no-source-maps'], dir);
  assert.equal(e.code, 0, e.stderr);
  const recorded = PprofProfile.decode(gunzipSync(fs.readFileSync(pb)));
  // Copied or touched a day later.
  const later = new Date(Number(recorded.timeNanos) / 1e6 + 86_400_000);
  fs.utimesSync(pb, later, later);
  const r = await flamelens(['push', pb, '--server', url, '--app', 'marked', '--no-source-maps'], dir);
  assert.equal(r.code, 0, r.stderr);
  const got = server.received.at(-1)!;
  const from = Number(got.url.searchParams.get('from'));
  // Before: from was the mtime minus the duration, a day off.
  assert.equal(from, Math.floor(Number(recorded.timeNanos) / 1e9), `from ${from}`);
  assert.equal(Number(got.url.searchParams.get('until')), Math.ceil((Number(recorded.timeNanos) + Number(recorded.durationNanos)) / 1e9));
  assert.equal(got.profile.timeNanos, recorded.timeNanos);
  const again = path.join(dir, 'again.pb.gz');
  assert.equal((await flamelens(['export', pb, '--format', 'pprof', '-o', again, '--no-source-maps'], dir)).code, 0);
  assert.equal(PprofProfile.decode(gunzipSync(fs.readFileSync(again))).timeNanos, recorded.timeNanos);
});

test('record --push to a server that refuses: a warning, the profiles stay, the exit code is the program\'s', async () => {
  const { url } = await standIn({ status: 503, body: 'busy' });
  const dir = scratchDir('export-push-record-refused');
  writeFiles(dir, { 'busy.js': `${busyFunction('spin', 100)}spin();\n` });
  const r = await flamelens(['record', '--no-html', '--out', 'out', '--push', url, '--app', 'busy', '--', 'node', 'busy.js'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: .*refused the profile: HTTP 503: busy/);
  assert.ok(fs.readdirSync(path.join(dir, 'out'), { recursive: true }).map(String).some((f) => f.endsWith('.cpuprofile')), 'the profile stays on disk');
});

test('ingest request builder: name with labels, checks, multipart framing', () => {
  assert.equal(ingestName('app', [['env', 'prod'], ['region', 'eu-west-1']]), 'app{env=prod,region=eu-west-1}');
  assert.deepEqual(parseLabel('k=a=b'), ['k', 'a=b']);
  assert.throws(() => ingestName('my app'), PushTargetError);
  assert.throws(() => ingestName('app', [['1x', 'v']]), /label key "1x"/);
  assert.throws(() => ingestName('app', [['k', 'v}']]), /must be non-empty/);
  assert.throws(() => ingestName('app', [['k', 'a'], ['k', 'b']]), /given twice/);
  assert.throws(() => ingestName('app', [['service_name', 'x']]), /set by Pyroscope from --app/);
  const data = new Uint8Array([0x1f, 0x8b, 1, 2, 3]);
  const req = ingestRequest({ server: 'https://example.invalid/pyro/', app: 'a', tenant: 't' }, data, 1_700_000_000_400, 1_700_000_000_600, 'BOUNDARY');
  assert.equal(req.url.href, 'https://example.invalid/pyro/ingest?name=a&from=1700000000&until=1700000001&format=pprof&spyName=flamelens');
  assert.equal(req.headers['content-type'], 'multipart/form-data; boundary=BOUNDARY');
  assert.equal(req.headers['x-scope-orgid'], 't');
  assert.equal(req.headers.authorization, undefined);
  const part = profilePart(Buffer.from(req.body), 'BOUNDARY');
  assert.deepEqual([...part.data], [...data]);
  assert.equal(Number(req.headers['content-length']), req.body.length);
  assert.throws(() => ingestRequest({ server: 'http://h', app: 'a' }, data, Number.NaN, 1, 'B'), /no usable time range/);
  assert.throws(() => ingestRequest({ server: 'http://h?x=1', app: 'a' }, data, 1, 2, 'B'), /query or fragment/);
});
