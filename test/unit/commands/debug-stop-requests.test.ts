// Telling a stopped debug session from one that ended by itself (src/commands/debug-stop-requests.ts),
// from the Debug Adapter Protocol messages VS Code and an adapter exchange. The message sequences are
// those of the protocol's specification: a Stop sends `terminate` (launch, when the adapter supports
// it) or `disconnect` first; an end starts with the adapter's `exited`/`terminated` events, after
// which VS Code still sends `disconnect` to close the session. The real exchange with js-debug is
// covered in the real-VS-Code suite (launch-config.test.ts, the stopAll spec).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { StopRequests } from '../../../src/commands/debug-stop-requests';

const request = (seq: number, command: string, args?: Record<string, unknown>) => ({ seq, type: 'request', command, ...(args ? { arguments: args } : {}) });
const event = (seq: number, name: string) => ({ seq, type: 'event', event: name });

describe('which debug sessions were stopped rather than ended', () => {
  it('a terminate or disconnect request before any end event is a stop', () => {
    const stops = new StopRequests();
    stops.toAdapter('launch', request(10, 'terminate'));
    stops.fromAdapter('launch', event(40, 'exited'));
    stops.fromAdapter('launch', event(41, 'terminated'));
    stops.toAdapter('attach', request(12, 'disconnect', { terminateDebuggee: true }));
    assert.equal(stops.wasStopped('launch'), true);
    assert.equal(stops.wasStopped('attach'), true);
  });

  it('the disconnect VS Code sends after the adapter said it ended is not a stop', () => {
    const stops = new StopRequests();
    stops.fromAdapter('a', event(30, 'terminated'));
    stops.toAdapter('a', request(31, 'disconnect'));
    stops.fromAdapter('b', event(20, 'exited'));
    stops.toAdapter('b', request(21, 'terminate'));
    assert.equal(stops.wasStopped('a'), false);
    assert.equal(stops.wasStopped('b'), false);
  });

  it('a restart is not a stop, and other traffic or malformed messages change nothing', () => {
    const stops = new StopRequests();
    stops.toAdapter('s', request(1, 'disconnect', { restart: true }));
    stops.toAdapter('s', request(2, 'terminate', { restart: true }));
    stops.toAdapter('s', request(3, 'continue', { threadId: 1 }));
    stops.toAdapter('s', { type: 'response', command: 'disconnect', success: true });
    stops.toAdapter('s', null);
    stops.toAdapter('s', 'disconnect');
    stops.fromAdapter('s', event(4, 'output'));
    assert.equal(stops.wasStopped('s'), false);
    // Sessions are told apart by id: another session's end does not hide this one's stop.
    stops.fromAdapter('other', event(5, 'terminated'));
    stops.toAdapter('s', request(6, 'disconnect'));
    assert.equal(stops.wasStopped('s'), true);
    assert.equal(stops.wasStopped('other'), false);
  });
});
