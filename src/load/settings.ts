// The `flamelens.load` setting and the answers of Profile Under Load… turned into a load plan with
// the CLI's own parsers (same spellings, same limits, loopback only). Pure: no vscode.
import { parseDuration, UsageError } from '../cli/args';
import type { RequestSpec } from './driver';
import { planStages, type Stage } from './stages';
import { checkTargets, parseTargetUrl } from './targets';
import { parseThreshold, type Threshold } from './thresholds';

/** `flamelens.load` as declared in package.json (every field optional; strings as the CLI takes them). */
export interface LoadSetting {
  url?: string;
  urls?: string[];
  duration?: string | number;
  warmup?: string | number;
  connections?: number;
  rate?: number;
  stages?: string[];
  thresholds?: string[];
}

/** What the user answered (or last answered) in the prompts. */
export interface LoadAnswers {
  urls: string;
  duration: string;
  connections: string;
}

export interface LoadPlan {
  urls: URL[];
  stages: Stage[];
  warmupMs: number;
  rate?: number;
  connections: number;
  thresholds: Threshold[];
  spec: RequestSpec;
}

/** The URLs of one answer: separated by spaces or commas. */
export function splitUrls(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** A duration as the setting may hold it: "10s", "500ms", or a number of seconds. */
function duration(value: string | number | undefined, fallbackMs: number, what: string, allowZero = false): number {
  if (value === undefined || value === '') return fallbackMs;
  if (allowZero && (value === 0 || (typeof value === 'string' && /^\s*0+(\.0*)?\s*[a-zµ]*\s*$/.test(value)))) return 0;
  return parseDuration(String(value), 's', what);
}

function wholeNumber(value: string | number | undefined, what: string, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${what}: expected a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** The defaults the prompts start from: the last answers, else the setting, else the CLI's defaults. */
export function defaultAnswers(setting: LoadSetting, last: Partial<LoadAnswers> | undefined): LoadAnswers {
  const urls = setting.urls?.join(' ') ?? setting.url;
  return {
    urls: last?.urls ?? urls ?? 'http://127.0.0.1:3000/',
    duration: last?.duration ?? (setting.duration !== undefined ? String(setting.duration) : '10s'),
    connections: last?.connections ?? String(setting.connections ?? 10),
  };
}

/** Checks one answer as the prompt's validateInput does: the message, or undefined when fine. */
export function answerProblem(kind: keyof LoadAnswers, text: string): string | undefined {
  try {
    if (kind === 'urls') {
      const urls = splitUrls(text).map((u) => parseTargetUrl(u, 'URL'));
      if (urls.length === 0) return 'Give at least one URL, e.g. http://127.0.0.1:3000/api';
      checkTargets(urls, false, 'URL');
    } else if (kind === 'duration') {
      duration(text, 0, 'duration');
    } else {
      wholeNumber(text, 'connections', 1, 10_000);
    }
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The plan for a run; a UsageError names the setting or answer that cannot be read. */
export function planLoad(setting: LoadSetting, answers: LoadAnswers): LoadPlan {
  const urls = splitUrls(answers.urls).map((u) => parseTargetUrl(u, 'URL'));
  if (urls.length === 0) throw new UsageError('Profile Under Load needs at least one URL');
  checkTargets(urls, false, 'URL');
  const connections = wholeNumber(answers.connections, 'connections', 1, 10_000) ?? 10;
  const durationMs = duration(answers.duration, 10_000, 'duration');
  const stages = planStages(Array.isArray(setting.stages) ? setting.stages.map(String) : [], durationMs, connections);
  for (const s of stages) {
    if (s.connections < urls.length) throw new UsageError(`${s.connections} connections cannot take ${urls.length} URLs in turn: use at least ${urls.length}`);
  }
  const warmupMs = duration(setting.warmup, 2000, 'flamelens.load.warmup', true);
  const rate = wholeNumber(setting.rate, 'flamelens.load.rate', 1, 10_000_000);
  const thresholds = (Array.isArray(setting.thresholds) ? setting.thresholds : []).map((t) => parseThreshold(String(t)));
  const spec: RequestSpec = { urls: urls.map((u) => u.href), method: 'GET', headers: {}, pipelining: 1, ...(rate !== undefined ? { rate } : {}), timeoutS: 10 };
  return { urls, stages, warmupMs, ...(rate !== undefined ? { rate } : {}), connections, thresholds, spec };
}
