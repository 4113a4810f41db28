// The recording lifecycle (status bar, Stop, "already recording") inside a real VS Code, when a stop
// fails: the recording must stay stoppable. The Recording handed to it is a test double (a stop that
// fails once, then succeeds): a real failing stop needs a folder the agents cannot write to, which
// the capture tests cover; what is tested here is the lifecycle's own state with real VS Code APIs.
import * as assert from 'node:assert/strict';
import { RecordingLifecycle, type Recording } from '../../../src/commands/recording-lifecycle';
import type { ProfilePanels } from '../../../src/views/profile-panel';

const silentLog = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, show() {} };

describe('recording lifecycle: a failed stop', () => {
  it('leaves the recording running and stoppable (not "saving…" and "already recording" for ever)', async () => {
    const lifecycle = new RecordingLifecycle<string>(
      { id: 'flamelens.test.status', name: 'test', command: 'flamelens.stopProfiling', tooltip: 'test', contextKey: 'flamelens.test.recording' },
      {} as ProfilePanels,
      silentLog,
    );
    let stops = 0;
    let end!: (result: string) => void;
    const recording: Recording<string> = {
      name: 'double',
      stop: async () => {
        stops++;
        if (stops === 1) throw new Error('EACCES: the session folder cannot be written');
        end('saved');
      },
      ended: new Promise<string>((resolve) => (end = resolve)),
      summarize: () => ({ files: [], problems: [], done: 'done', nothing: 'nothing' }),
    };
    try {
      void lifecycle.track(recording);
      await assert.rejects(lifecycle.stop(), /EACCES/);
      assert.equal(lifecycle.isRecording, true, 'still recording: nothing was saved');
      const finished = await lifecycle.stop();
      assert.equal(stops, 2, 'the second Stop asked the recording again');
      assert.equal(finished?.result, 'saved');
      assert.equal(lifecycle.isRecording, false);
    } finally {
      lifecycle.dispose();
    }
  });
});
