// The only code FlameLens evaluates in a target: a small register of the FlameLens sessions attached
// to it, kept on a non-enumerable global (Symbol.for('flamelens.attach')), and the inspector.close()
// call made by the last of them to leave when FlameLens opened that inspector. With it, two
// overlapping attaches to one process never close the inspector under each other, and a session
// that left without saying so (its process was killed) does not keep the inspector open for ever:
// the leaver drops entries whose attaching process no longer exists, and while FlameLens holds an
// inspector it opened, a watchdog timer in the target closes it once no attaching process is left
// (FlameLens killed mid-capture: SIGKILL, a crashed or reloaded extension host).

/** How long the target waits before closing its inspector: time for our session to disconnect first. */
export const CLOSE_DELAY_MS = 1000;

const MARKER = "Symbol.for('flamelens.attach')";

/** How often the watchdog looks for the attaching processes (a kill(pid, 0) each). */
export const WATCHDOG_MS = 1000;

/** The inspector module, in the target (process.getBuiltinModule from Node 20.16/22.3; else the command-line API's require). */
const INSPECTOR = "(typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('inspector') : require('inspector'))";

/** In the target: whether attaching process `pid` still exists (0: one the target cannot see, taken as alive). */
const ALIVE = "((pid) => { if (pid === 0) return true; try { process.kill(pid, 0); return true; } catch (e) { return e.code !== 'ESRCH'; } })";

/**
 * Registers session `token` (of attaching process `attacherPid`); `opened` says this session opened
 * the inspector (SIGUSR1), so the last session to leave must close it. An attacher the target cannot
 * see (another PID namespace) is registered as 0, which the checks below always take as alive.
 * While FlameLens holds an inspector it opened, a watchdog (unref'd: it never keeps the target
 * alive) drops attachers that no longer exist and closes the inspector when none is left — their
 * sessions went with their processes. Evaluates to the number of FlameLens sessions now attached.
 * Needs includeCommandLineAPI (require, on Node before 20.16).
 */
export function joinExpression(token: string, attacherPid: number, opened: boolean): string {
  return (
    `(() => { const key = ${MARKER}; let m = globalThis[key]; const alive = ${ALIVE}; ` +
    `if (!m) { m = { users: Object.create(null), opened: false }; Object.defineProperty(globalThis, key, { value: m, configurable: true }); } ` +
    `m.users[${JSON.stringify(token)}] = alive(${attacherPid}) ? ${attacherPid} : 0; if (${opened}) m.opened = true; ` +
    `if (m.opened && !m.watchdog) { const inspector = ${INSPECTOR}; ` +
    `m.watchdog = setInterval(() => { for (const t of Object.keys(m.users)) if (!alive(m.users[t])) delete m.users[t]; ` +
    `if (Object.keys(m.users).length > 0) return; clearInterval(m.watchdog); m.watchdog = undefined; ` +
    `if (m.opened) { m.opened = false; inspector.close(); } }, ${WATCHDOG_MS}); m.watchdog.unref(); } ` +
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
    `const alive = ${ALIVE}; for (const t of Object.keys(m.users)) if (!alive(m.users[t])) delete m.users[t]; ` +
    `const others = Object.keys(m.users).length; if (others > 0 || !m.opened) return { others, closing: false }; ` +
    // The delayed close below replaces the watchdog, which would otherwise close at once, under our session.
    `if (m.watchdog) { clearInterval(m.watchdog); m.watchdog = undefined; } const inspector = ${INSPECTOR}; ` +
    `setTimeout(() => { if (m.opened && Object.keys(m.users).length === 0) { m.opened = false; inspector.close(); } }, ${CLOSE_DELAY_MS}).unref(); ` +
    'return { others: 0, closing: true }; })()'
  );
}

export function isLeaveAnswer(value: unknown): value is LeaveAnswer {
  const v = value as Partial<LeaveAnswer> | null | undefined;
  return typeof v?.others === 'number' && typeof v.closing === 'boolean';
}
