// A program FlameLens started with the agent loaded, however it was started (an integrated terminal,
// the debugger): what the capture service needs to stop it, wait for it and read its profiles.
import type { CaptureResult } from '../capture/launcher';

export interface ProgramRun {
  sessionDir: string;
  /** Epoch ms of the launch: files of earlier runs in the folder are left out. */
  since: number;
  /** Settles once the program ended and every process that loaded the agent saved (or the wait ran out). */
  done: Promise<CaptureResult>;
  /** Until the program ended. */
  readonly running: boolean;
  /** Asks every agent to save now; the program keeps running. */
  stop(timeoutMs?: number): Promise<void>;
  /** Ends the program (closes its terminal, stops its debug session). */
  dispose(): void;
}
