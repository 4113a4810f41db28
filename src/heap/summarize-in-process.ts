// Summarizing a heap snapshot on the calling thread (tests and scripts; the extension and the CLI
// use the worker): a module of its own so that the parser is bundled only where it is imported.
import { readFileSync } from 'node:fs';
import { describeParserError, parsableSnapshot, summarizeSnapshotBytes } from './summary';
import { cancelledMessage, parserFailure, SnapshotError, type InProcessSummarizer } from './summarize';

/** Pass as `inProcess` to summarizeSnapshotFile: blocks the thread, and has no retained-size time limit nor counts-only fallback. */
export const summarizeInProcess: InProcessSummarizer = async (file, inflated, options) => {
  if (options.signal?.aborted) throw new SnapshotError(cancelledMessage);
  options.onProgress?.(`parsing ${file}`);
  try {
    return summarizeSnapshotBytes(parsableSnapshot(inflated ?? readFileSync(file)), options.retained ?? true);
  } catch (error) {
    throw new SnapshotError(parserFailure(file, describeParserError(error)), { cause: error });
  }
};
