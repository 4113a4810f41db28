// When a profile was recorded, in wall-clock time (the model keeps V8's monotonic times only):
// what pprof's time_nanos and Pyroscope's from/until need. Shared by the CLI and the extension.
import * as fs from 'node:fs';
import type { Profile } from './model/types';

/**
 * The wall-clock span of the capture, ms since the epoch: a CPU pprof holds it (time_nanos,
 * duration_nanos), a FlameLens capture's sidecar (PID-THREAD.json beside the profile) has it;
 * otherwise the file was written when it ended.
 */
export function captureTimeRange(file: string, p: Profile): { startMs: number; endMs: number } {
  // A CPU pprof says when it was recorded (time_nanos, read as startTime in µs since the epoch);
  // its file's mtime is only when it was last written (exported, copied).
  if (p.format === 'pprof' && p.kind === 'cpu' && Number.isFinite(p.startTime) && p.startTime > 0 && p.endTime >= p.startTime) {
    return { startMs: p.startTime / 1000, endMs: p.endTime / 1000 };
  }
  const sidecar = file.replace(/\.(cpuprofile|heapprofile)(\.gz)?$/, '.json');
  if (sidecar !== file && fs.existsSync(sidecar)) {
    try {
      const s = JSON.parse(fs.readFileSync(sidecar, 'utf8')) as { startTime?: unknown; endTime?: unknown };
      if (typeof s.startTime === 'number' && Number.isFinite(s.startTime) && s.startTime > 0) {
        const end = typeof s.endTime === 'number' && Number.isFinite(s.endTime) && s.endTime >= s.startTime ? s.endTime : s.startTime;
        return { startMs: s.startTime, endMs: end };
      }
    } catch {
      // Not a sidecar: use the file time.
    }
  }
  const endMs = fs.statSync(file).mtimeMs;
  const spanMs = p.kind === 'cpu' ? Math.max(0, (p.endTime - p.startTime) / 1000) : 0;
  return { startMs: endMs - spanMs, endMs };
}


/**
 * The wall-clock span of `part`, a time slice of `whole` (--from/--to, a timeline range: the same
 * V8 clock), given `range`, the span of the whole recording: it starts as far into the recording
 * as the slice does and lasts as long. Anything else (`part` is `whole`, a heap profile) keeps `range`.
 */
export function sliceTimeRange(range: { startMs: number; endMs: number }, whole: Profile, part: Profile): { startMs: number; endMs: number } {
  if (part === whole || part.kind !== 'cpu' || whole.kind !== 'cpu') return range;
  const startMs = Math.min(range.endMs, range.startMs + Math.max(0, part.startTime - whole.startTime) / 1000);
  const endMs = Math.min(range.endMs, startMs + Math.max(0, part.endTime - part.startTime) / 1000);
  return { startMs, endMs: Math.max(startMs, endMs) };
}
