// Renderings of a LoadRun: the terminal summary (through cli/text.ts table(), which escapes every
// cell), a markdown report for CI job summaries, and the JSON. Each reads only the LoadRun.
import { table } from '../cli/text';
import { escapeControlText, escapeControlTextKeepNewlines, escapeMarkdown } from '../model/escape-text';
import type { LatencySummary } from './histogram';
import { formatValue } from '../model/format';
import { describeLocation } from '../model/frames';
import { describeErrorCauses, runPassed, type LoadRun } from './run';

const latencyKeys: (keyof LatencySummary)[] = ['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean'];
const latencyLabel: Record<keyof LatencySummary, string> = { p50: 'p50', p90: 'p90', p95: 'p95', p99: 'p99', p999: 'p99.9', max: 'max', mean: 'mean' };

export function ms(x: number): string {
  if (!Number.isFinite(x)) return '0 ms';
  if (x >= 1000) return `${(x / 1000).toFixed(2)} s`;
  if (x >= 100) return `${x.toFixed(0)} ms`;
  if (x >= 10) return `${x.toFixed(1)} ms`;
  return `${x.toFixed(2)} ms`;
}

function num(x: number, digits = 1): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '0';
}

function signedPct(p: number): string {
  return `${p > 0 ? '+' : ''}${num(p)}%`;
}

function verdictValue(v: LoadRun['thresholds'][number]): string {
  return v.unit === 'ms' ? ms(v.actual) : v.unit === '%' ? `${num(v.actual, 2)}%` : `${num(v.actual)} req/s`;
}

function bytesPerSec(b: number): string {
  if (b >= 1024 * 1024) return `${num(b / 1024 / 1024)} MB/s`;
  if (b >= 1024) return `${num(b / 1024)} KB/s`;
  return `${num(b, 0)} B/s`;
}

/** The terminal summary: latency, requests, throughput, stages, thresholds and the baseline deltas. */
export function renderLoadText(run: LoadRun): string {
  const out: string[] = [];
  const r = run.requests;
  const what = run.config.urls.length > 0 ? run.config.urls.map(escapeControlText).join(', ') : `load from \`${escapeControlText(run.external?.command ?? '?')}\``;
  out.push(`Load: ${what} — ${measuredText(run)}`);
  if (run.cutShort) out.push(`CUT SHORT: ${escapeControlText(run.cutShort)}`);
  out.push(...externalLines(run).map(escapeControlText));
  if (run.latency && run.loadMeasured !== false) {
    const l = run.latency;
    out.push('', 'Latency:');
    out.push(table(latencyKeys.map((k) => latencyLabel[k]), [latencyKeys.map((k) => ms(l[k]))], new Set(latencyKeys.map((_k, i) => i))));
  }
  if (r && run.throughput && run.loadMeasured !== false) {
    out.push('', 'Requests:');
    out.push(
      table(
        ['total', 'ok (2xx)', 'non-2xx', 'errors', 'timeouts', 'req/s', 'throughput'],
        [[String(r.total), String(r.ok), String(r.non2xx), String(r.errors), String(r.timeouts), num(run.throughput.rps), bytesPerSec(run.throughput.bytesPerSec)]],
        new Set([0, 1, 2, 3, 4, 5, 6]),
      ),
    );
  }
  const codes = Object.entries(run.statusCodes);
  if (codes.length > 0) out.push(`  status codes: ${codes.map(([c, n]) => `${escapeControlText(c)}: ${n}`).join(', ')}`);
  const causes = describeErrorCauses(run);
  if (causes) out.push(`  errors: ${escapeControlText(causes)}`);
  if (run.stages.length > 1) {
    out.push('', 'Stages:');
    out.push(
      table(
        ['#', 'duration', 'connections', 'requests', 'req/s', 'p50', 'p99', 'errors'],
        run.stages.map((s) => [String(s.index + 1), `${num(s.elapsedMs / 1000)} s`, String(s.connections), String(s.requests.total), num(s.throughput.rps), ms(s.latency.p50), ms(s.latency.p99), String(s.requests.errors)]),
        new Set([0, 1, 2, 3, 4, 5, 6, 7]),
      ),
    );
  }
  out.push('', ...serverLines(run));
  if (run.thresholds.length > 0) {
    out.push('', 'Thresholds:');
    out.push(table(['', 'threshold', 'actual'], run.thresholds.map((t) => [t.ok ? 'ok' : 'BROKEN', t.expr, t.note ?? verdictValue(t)]), new Set()));
  }
  const b = run.baseline;
  if (b) {
    out.push('', `Against the baseline ${escapeControlText(b.file)}:`);
    const rows = deltaRows(b);
    if (rows.length > 0) out.push(table(['metric', 'before', 'after', 'change'], rows, new Set([1, 2, 3])));
    else out.push('  latency and req/s not compared: one of the runs did not measure its load (an external tool drove it)');
    if (b.grown.length > 0) {
      out.push('', `Functions whose self time grew most${b.grownFrom === 'profiles' ? ' (full profile diff)' : b.grownFrom === 'topFunctions' ? ' (from the top functions: the baseline\'s profiles are gone)' : ''}${perRequestText(b)}:`);
      out.push(table(['change', 'function', 'location'], b.grown.map((g) => [`+${ms(g.deltaMs)}`, g.name, where(g.url, g.line)]), new Set([0])));
    }
    if (b.failAbovePct !== undefined) {
      out.push(b.regressions.length > 0 ? `REGRESSION above ${b.failAbovePct}%: ${b.regressions.join(', ')}` : `no regression above ${b.failAbovePct}% (p95, p99, req/s)`);
    }
  }
  if (run.external && run.external.stdout.trim() !== '') {
    out.push('', 'Output of the load tool:', ...run.external.stdout.trimEnd().split('\n').map((l) => `  ${escapeControlText(l)}`));
  }
  for (const p of run.problems) out.push(`problem: ${escapeControlText(p)}`);
  return out.join('\n');
}

/** How long the load was measured, and after what warm-up; or that it never began. */
function measuredText(run: LoadRun): string {
  if (run.loadMeasured === false) return 'nothing measured: the run ended before its measured load began';
  return `${num(run.durationMs / 1000)} s measured` + (run.config.warmupMs > 0 ? ` after a ${num(run.config.warmupMs / 1000)} s warm-up` : '');
}

/** The server's health in a line or two (names no profile text: numbers and our own words only). */
function serverLines(run: LoadRun, md = false): string[] {
  const s = run.server;
  if (!s) return [`Server: event-loop delay not measured — ${md ? escapeMarkdown(run.serverNote ?? 'no metrics') : escapeControlText(run.serverNote ?? 'no metrics')}`];
  const d = s.eventLoopDelay;
  return [
    `Server event-loop delay: p50 ${ms(d.p50)}, p99 ${ms(d.p99)}, max ${ms(d.max)} (worst second's p99 ${ms(s.worstSecondP99)}; resolution ${s.resolutionMs} ms)`,
    `Server event-loop utilisation ${num(s.eventLoopUtilization * 100)}%, CPU ${num(s.cpuPct)}% of a core, heap up to ${num(s.heapUsedMBMax)} MB${s.processes > 1 ? ` (${s.processes} processes)` : ''}`,
  ];
}

/** What the external load tool did (`--load-cmd`); plain text, the caller escapes. */
function externalLines(run: LoadRun): string[] {
  const e = run.external;
  if (!e) return [];
  const end = e.stoppedBecause ? `stopped: ${e.stoppedBecause}` : e.signal ? `ended by ${e.signal}` : `exit code ${e.exitCode}`;
  const lines = [`The load came from \`${e.command}\` (${end}).`];
  lines.push(e.parsed ? `Latency and requests are read from its ${e.parsed} --json output.` : 'FlameLens did not drive this load: latency, requests and throughput are not measured (see its output below).');
  lines.push(...e.notes);
  return lines;
}

/** How the grown functions were measured: per request, the baseline scaled to this run's request count. */
function perRequestText(b: NonNullable<LoadRun['baseline']>): string {
  const p = b.perRequest;
  return p ? `, per request (the baseline's ${p.before} requests scaled to this run's ${p.after})` : '';
}

function deltaRows(b: NonNullable<LoadRun['baseline']>): string[][] {
  const rows: string[][] = [];
  const l = b.latencyDelta;
  if (l) rows.push(...latencyKeys.map((k) => [latencyLabel[k], ms(l[k].before), ms(l[k].after), signedPct(l[k].deltaPct)]));
  if (b.rpsDelta) rows.push(['req/s', num(b.rpsDelta.before), num(b.rpsDelta.after), signedPct(b.rpsDelta.deltaPct)]);
  return rows;
}

const where = describeLocation;

function mdTable(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** A markdown report fit for a CI job summary ($GITHUB_STEP_SUMMARY). */
export function renderLoadMarkdown(run: LoadRun): string {
  const out: string[] = [];
  // As the CLI's exit code: a run cut short (the server exited, a cancel) or a failed load tool is not a pass.
  const passed = runPassed(run) && run.cutShort === undefined;
  out.push(`## FlameLens load run: ${passed ? 'passed' : 'FAILED'}`, '');
  const counts = run.requests && run.throughput && run.loadMeasured !== false ? `, ${run.requests.total} requests, ${num(run.throughput.rps)} req/s` : '';
  out.push(`${run.config.urls.map((u) => `\`${u.replace(/`/g, '')}\``).join(', ')} — ${measuredText(run)}${counts}`);
  if (run.cutShort) out.push('', `**Cut short:** ${escapeMarkdown(run.cutShort)}`);
  for (const l of externalLines(run)) out.push('', escapeMarkdown(l));
  const lat = run.latency;
  if (lat && run.loadMeasured !== false) out.push('', '### Latency', '', mdTable(latencyKeys.map((k) => latencyLabel[k]), [latencyKeys.map((k) => ms(lat[k]))]));
  const r = run.requests;
  if (r && run.throughput && run.loadMeasured !== false) out.push('', '### Requests', '', mdTable(['total', 'ok (2xx)', 'non-2xx', 'errors', 'timeouts', 'req/s', 'throughput'], [[String(r.total), String(r.ok), String(r.non2xx), String(r.errors), String(r.timeouts), num(run.throughput.rps), bytesPerSec(run.throughput.bytesPerSec)]]));
  const causes = describeErrorCauses(run);
  if (causes) out.push('', `Errors: ${escapeMarkdown(causes)}`);
  if (run.stages.length > 1) {
    out.push('', '### Stages', '', mdTable(['#', 'duration', 'connections', 'requests', 'req/s', 'p50', 'p99', 'errors'], run.stages.map((s) => [String(s.index + 1), `${num(s.elapsedMs / 1000)} s`, String(s.connections), String(s.requests.total), num(s.throughput.rps), ms(s.latency.p50), ms(s.latency.p99), String(s.requests.errors)])));
  }
  out.push('', '### Server', '', serverLines(run, true).join('  \n'));
  if (run.thresholds.length > 0) {
    out.push('', '### Thresholds', '', mdTable(['', 'threshold', 'actual'], run.thresholds.map((t) => [t.ok ? '✅' : '❌', `\`${t.expr.replace(/`/g, '')}\``, t.note ? escapeMarkdown(t.note) : verdictValue(t)])));
  }
  if (run.topFunctions.length > 0) {
    out.push('', '### Server: top functions by self time', '', mdTable(['self', '%', 'function', 'location'], run.topFunctions.map((f) => [ms(f.selfMs), `${num(f.selfPct)}%`, escapeMarkdown(f.name), escapeMarkdown(where(f.url, f.line))])));
  }
  if (run.topAllocators && run.topAllocators.length > 0) {
    out.push('', '### Server: top allocators (sampled heap profile)', '', mdTable(['allocated', '%', 'function', 'location'], run.topAllocators.map((f) => [formatValue(f.selfBytes, 'bytes'), `${num(f.selfPct)}%`, escapeMarkdown(f.name), escapeMarkdown(where(f.url, f.line))])));
  }
  const b = run.baseline;
  if (b) {
    const rows = deltaRows(b);
    out.push('', `### Against the baseline`, '', rows.length > 0 ? mdTable(['metric', 'before', 'after', 'change'], rows) : 'Latency and req/s not compared: one of the runs did not measure its load.');
    if (b.grown.length > 0) out.push('', `Functions whose self time grew most${perRequestText(b)}:`, '', mdTable(['grown', 'function', 'location'], b.grown.map((g) => [`+${ms(g.deltaMs)}`, escapeMarkdown(g.name), escapeMarkdown(where(g.url, g.line))])));
    if (b.regressions.length > 0) out.push('', `**Regression above ${b.failAbovePct}%:** ${b.regressions.join(', ')}`);
  }
  if (run.external && run.external.stdout.trim() !== '') {
    // A fence longer than any run of backticks in the output, so the tool's text cannot end it.
    const longest = Math.max(2, ...(run.external.stdout.match(/`+/g) ?? []).map((m) => m.length));
    const fence = '`'.repeat(longest + 1);
    out.push('', '### Output of the load tool', '', fence, escapeControlTextKeepNewlines(run.external.stdout.trimEnd()), fence);
  }
  for (const p of run.problems) out.push('', `> ${escapeMarkdown(p)}`);
  return `${out.join('\n')}\n`;
}

export function renderLoadJson(run: LoadRun): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}
