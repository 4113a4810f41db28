// Checks a load run's `--attach` target before the run spends anything on it (server readiness,
// warm-up): a PID that cannot be attached to fails at once, and a PID that does not serve the
// loaded URL is named, since its profile would hold none of the load.
import { checkPid } from '../capture/attach-endpoint';
import { descendsFrom, findPortOwner } from '../capture/processes';
import { escapeNotificationText } from '../model/escape-text';
import type { AttachTarget } from '../capture/attach';
import { isLoopbackHost } from './targets';

/**
 * Throws the AttachError attaching would throw (no such PID, not Node.js, inspector port taken…);
 * returns warnings for loaded loopback ports that another, unrelated process serves. A process
 * and its ancestors or descendants count as one server (cluster workers, npm wrappers), and a
 * target given as host:port is not checked (its PID is not known before connecting).
 */
export async function checkAttachTarget(target: AttachTarget, urls: readonly string[]): Promise<string[]> {
  if (!('pid' in target) || process.platform !== 'linux') return [];
  const pid = target.pid;
  await checkPid(pid);
  const warnings: string[] = [];
  const ports = new Set<number>();
  for (const text of urls) {
    const url = new URL(text);
    if (!isLoopbackHost(url.hostname)) continue;
    ports.add(Number(url.port || (url.protocol === 'https:' ? 443 : 80)));
  }
  for (const port of ports) {
    const owner = await findPortOwner(port).catch(() => undefined);
    if (!owner) {
      warnings.push(`nothing listens on port ${port} yet, so the load may get only errors; pid ${pid} is recorded all the same`);
      continue;
    }
    if (owner.pid <= 0 || owner.pid === pid || descendsFrom(owner.pid, pid) === true || descendsFrom(pid, owner.pid) === true) continue;
    warnings.push(
      `port ${port} is served by pid ${owner.pid} (${escapeNotificationText(owner.commandLine) || 'no command line'}), not by pid ${pid} or a process of its own: ` +
        `the load goes to pid ${owner.pid} while pid ${pid} is recorded. If that is not meant (no proxy in between), attach to pid ${owner.pid}`,
    );
  }
  return warnings;
}
