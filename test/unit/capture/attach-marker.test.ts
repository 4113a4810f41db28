// The register FlameLens keeps in an attached target (attach-marker.ts), evaluated as the target
// evaluates it — in a context of its own with a stand-in `process` and `inspector` (a mock: the
// end-to-end attach tests check real targets' ports; here every ordering of join and leave is cheap).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { isLeaveAnswer, joinExpression, leaveExpression, type LeaveAnswer } from '../../../src/capture/attach-marker';

function target() {
  const timers: (() => void)[] = [];
  const intervals = new Map<number, () => void>();
  let nextInterval = 1;
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
    setInterval: (f: () => void) => {
      const id = nextInterval++;
      intervals.set(id, f);
      return { id, unref() {} };
    },
    clearInterval: (handle: { id: number } | undefined) => handle && intervals.delete(handle.id),
  });
  return {
    join: (token: string, opened: boolean, attacherPid = process.pid) => vm.runInContext(joinExpression(token, attacherPid, opened), context) as number,
    /** Attaching processes the target can see (the test's own pid from the start). */
    alive,
    /** One tick of each watchdog: its interval fires. */
    tickWatchdogs: () => [...intervals.values()].forEach((f) => f()),
    watchdogs: () => intervals.size,
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

test('a FlameLens killed mid-capture (no leave) does not leave the inspector it opened open: the watchdog closes it once no attacher is left', () => {
  const t = target();
  t.alive.add(101).add(102);
  assert.equal(t.join('a', true, 101), 1);
  assert.equal(t.join('b', false, 102), 2);
  assert.equal(t.watchdogs(), 1, 'one watchdog while FlameLens holds an inspector it opened');
  t.tickWatchdogs();
  assert.equal(t.closed(), 0, 'both attachers run');
  t.alive.delete(101);
  t.tickWatchdogs();
  assert.equal(t.closed(), 0, 'b still runs: it stays open for b');
  t.alive.delete(102);
  t.tickWatchdogs();
  assert.equal(t.closed(), 1, 'both are gone (SIGKILL): closed');
  assert.equal(t.watchdogs(), 0);
  t.tickWatchdogs();
  assert.equal(t.closed(), 1);
});

test('the watchdog is only for an inspector FlameLens opened, gives way to a normal leave, and never closes for an attacher the target cannot see', () => {
  const t = target();
  // Found open (--inspect): no watchdog, nothing closed even when the attacher dies.
  t.alive.add(201);
  t.join('visitor', false, 201);
  assert.equal(t.watchdogs(), 0);
  t.alive.delete(201);
  t.leave('visitor', false);
  t.runTimers();
  assert.equal(t.closed(), 0);
  // Opened, then left normally: the delayed close replaces the watchdog (which would close under our session).
  const u = target();
  u.join('a', true);
  assert.equal(u.watchdogs(), 1);
  assert.deepEqual(u.leave('a', true), { others: 0, closing: true });
  assert.equal(u.watchdogs(), 0);
  assert.equal(u.closed(), 0);
  u.runTimers();
  assert.equal(u.closed(), 1);
  // An attacher in another PID namespace (its pid does not exist here) is kept as 0: taken as alive.
  const v = target();
  v.join('far', true, 999_999);
  for (let i = 0; i < 3; i++) v.tickWatchdogs();
  assert.equal(v.closed(), 0, 'not closed under a live session the target cannot see');
  assert.deepEqual(v.leave('far', true), { others: 0, closing: true });
  v.runTimers();
  assert.equal(v.closed(), 1);
});
