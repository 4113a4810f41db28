// Typed view of the `flamelens.*` settings (declared in package.json "contributes.configuration").
import * as vscode from 'vscode';

export interface FlameLensConfig {
  /** CPU sampling interval, µs. */
  cpuSamplingInterval: number;
  /** Also record a sampling heap profile. */
  recordHeap: boolean;
  /** Seconds to record; 0 = until the program exits or Stop is pressed. */
  duration: number;
  /** Where capture sessions go; relative paths are inside the first workspace folder. */
  outputDirectory: string;
  /** The `node` to run programs with; '' = `node` on PATH. */
  nodePath: string;
  hotLines: {
    enabled: boolean;
    /** Lines below this share of the profile (percent) are not annotated. */
    threshold: number;
  };
  sourceMaps: {
    /** Scripts and source maps larger than this many bytes are not read when mapping a profile. */
    maxFileSize: number;
  };
}

export const configSection = 'flamelens';

export function readConfig(): FlameLensConfig {
  const c = vscode.workspace.getConfiguration(configSection);
  const num = (key: string, fallback: number, min: number): number => {
    const v = c.get<number>(key, fallback);
    return typeof v === 'number' && Number.isFinite(v) && v >= min ? v : fallback;
  };
  return {
    cpuSamplingInterval: num('cpuSamplingInterval', 100, 1),
    recordHeap: c.get<boolean>('recordHeap', false) === true,
    duration: num('duration', 0, 0),
    outputDirectory: c.get<string>('outputDirectory', '.flamelens') || '.flamelens',
    nodePath: (c.get<string>('nodePath', '') ?? '').trim(),
    hotLines: {
      enabled: c.get<boolean>('hotLines.enabled', true) !== false,
      threshold: num('hotLines.threshold', 1, 0),
    },
    sourceMaps: {
      // The setting is in MB.
      maxFileSize: Math.round(num('sourceMaps.maxFileSize', 8, 0) * 1024 * 1024),
    },
  };
}

/** Fires `listener` when any flamelens.* setting changes. */
export function onConfigChange(listener: (config: FlameLensConfig) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(configSection)) listener(readConfig());
  });
}
