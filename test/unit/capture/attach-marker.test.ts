// The register FlameLens keeps in an attached target (attach-marker.ts), evaluated as the target
// evaluates it — in a context of its own with a stand-in `process` and `inspector` (a mock: the
// end-to-end attach tests check real targets' ports; here every ordering of join and leave is cheap).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { isLeaveAnswer, joinExpression, leaveExpression, type LeaveAnswer } from '../../../src/capture/attach-marker';

function target() {
  const timers: (() => void)[] = [];
  let closed = 0;
  const alive = new Set<number>([process.pid]);
  const context = vm.createContext({
    process: {
      kill: (pid: number) => {
        if (!alive.has(pid)) throw Object.assign(new Error('no such process'), { code: 'ESRCH' });
      },
      getBuiltinModule: () => ({ close: () => closed++ }),
    },
    setTimeout: (f: () => void) => (timers.push(f), { unref() {} }),
  });
  return {
    join: (token: string, opened: boolean) => vm.runInContext(joinExpression(token, process.pid, opened), context) as number,
    leave: (token: string, opened: boolean): LeaveAnswer => {
      const answer: unknown = vm.runInContext(leaveExpression(token, opened), context);
      assert.ok(isLeaveAnswer(answer));
      return { others: answer.others, closing: answer.closing }; // (an object of our realm, for deepEqual)
    },
    runTimers: () => timers.splice(0).forEach((f) => f()),
    closed: () => closed,
  };
}

test('the last session to leave closes an inspector FlameLens opened, after its delay; overlapping ones leave it to the last', () => {
  const t = target();
  assert.equal(t.join('a', true), 1);
  assert.equal(t.join('b', false), 2);
  assert.deepEqual(t.leave('a', true), { others: 1, closing: false });
  assert.deepEqual(t.leave('b', false), { others: 0, closing: true });
  assert.equal(t.closed(), 0, 'not while our session is still attached');
  t.runTimers();
  assert.equal(t.closed(), 1);
});

test('a session cancelled before it joined, which opened the inspector, closes it even though an earlier session left the register saying "not opened"', () => {
  const t = target();
  // An earlier attach: opened, joined, left, closed (the register stays, opened: false).
  t.join('earlier', true);
  t.leave('earlier', true);
  t.runTimers();
  assert.equal(t.closed(), 1);
  // This one sent SIGUSR1 (opened) and was cancelled before its join ran.
  assert.deepEqual(t.leave('cancelled', true), { others: 0, closing: true });
  t.runTimers();
  assert.equal(t.closed(), 2, 'the inspector it opened is closed (it was left open before)');
  // One that found the inspector open (opened: false) leaves it as found.
  assert.deepEqual(t.leave('visitor', false), { others: 0, closing: false });
  t.runTimers();
  assert.equal(t.closed(), 2);
});
