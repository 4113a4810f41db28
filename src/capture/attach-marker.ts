// The only code FlameLens evaluates in a target: a small register of the FlameLens sessions attached
// to it, kept on a non-enumerable global (Symbol.for('flamelens.attach')), and the inspector.close()
// call made by the last of them to leave when FlameLens opened that inspector. With it, two
// overlapping attaches to one process never close the inspector under each other, and a session
// that left without saying so (its process was killed) does not keep the inspector open for ever:
// the leaver drops entries whose attaching process no longer exists.

/** How long the target waits before closing its inspector: time for our session to disconnect first. */
export const CLOSE_DELAY_MS = 1000;

const MARKER = "Symbol.for('flamelens.attach')";

/**
 * Registers session `token` (of attaching process `attacherPid`); `opened` says this session opened
 * the inspector (SIGUSR1), so the last session to leave must close it. Evaluates to the number of
 * FlameLens sessions now attached.
 */
export function joinExpression(token: string, attacherPid: number, opened: boolean): string {
  return (
    `(() => { const key = ${MARKER}; let m = globalThis[key]; ` +
    `if (!m) { m = { users: Object.create(null), opened: false }; Object.defineProperty(globalThis, key, { value: m, configurable: true }); } ` +
    `m.users[${JSON.stringify(token)}] = ${attacherPid}; if (${opened}) m.opened = true; ` +
    `return Object.keys(m.users).length; })()`
  );
}

/** What the target answered when a session left. */
export interface LeaveAnswer {
  /** FlameLens sessions still attached (whose processes still run). */
  others: number;
  /** The target closes its inspector in CLOSE_DELAY_MS (we were the last, and FlameLens opened it). */
  closing: boolean;
}

/**
 * Unregisters `token`, forgets sessions whose attaching process is gone, and when none is left and
 * FlameLens opened the inspector, closes it CLOSE_DELAY_MS later, once our session has disconnected
 * (closing with a session attached can crash the target, nodejs/node#18761). The timer checks again
 * before closing, in case another session joined meanwhile. A session that opened the inspector says
 * so here too: cancelled before it joined, it finds the register an earlier session left (opened: false)
 * and would otherwise leave the inspector it opened open for good. process.getBuiltinModule exists from Node 20.16/22.3; `require` comes from the
 * command-line API (includeCommandLineAPI).
 */
export function leaveExpression(token: string, opened: boolean): string {
  return (
    `(() => { const m = globalThis[${MARKER}] || { users: Object.create(null), opened: ${opened} }; ` +
    `delete m.users[${JSON.stringify(token)}]; if (${opened}) m.opened = true; ` +
    `for (const t of Object.keys(m.users)) { try { process.kill(m.users[t], 0); } catch (e) { if (e.code === 'ESRCH') delete m.users[t]; } } ` +
    `const others = Object.keys(m.users).length; if (others > 0 || !m.opened) return { others, closing: false }; ` +
    "const inspector = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('inspector') : require('inspector'); " +
    `setTimeout(() => { if (m.opened && Object.keys(m.users).length === 0) { m.opened = false; inspector.close(); } }, ${CLOSE_DELAY_MS}).unref(); ` +
    'return { others: 0, closing: true }; })()'
  );
}

export function isLeaveAnswer(value: unknown): value is LeaveAnswer {
  const v = value as Partial<LeaveAnswer> | null | undefined;
  return typeof v?.others === 'number' && typeof v.closing === 'boolean';
}
