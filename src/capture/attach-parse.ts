// Reads an attach target typed by a user (CLI argument, VS Code input box).
import type { AttachTarget } from './attach-endpoint';

export type ParsedAttachTarget = { target: AttachTarget } | { error: string };

/** "1234" → pid; "127.0.0.1:9229", "localhost:9229", "[::1]:9229" → host:port; "ws://…" → WebSocket URL. */
export function parseAttachTarget(text: string): ParsedAttachTarget {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { target: { pid: Number(t) } };
  if (/^wss?:\/\//i.test(t)) return { target: { wsUrl: t } };
  const m = /^(?:\[([^\]]+)\]|([^:/\s]+)):(\d{1,5})$/.exec(t);
  if (m) {
    const port = Number(m[3]);
    if (port < 1 || port > 65535) return { error: `port must be 1-65535, got ${port}` };
    return { target: { host: m[1] ?? m[2]!, port } };
  }
  return { error: `cannot read target "${t}": expected a PID, HOST:PORT (127.0.0.1:9229) or ws:// URL` };
}
