// The inspector's HTTP side: /json/list names the debuggable targets and their WebSocket URLs.
import http from 'node:http';

/** One entry of /json/list. */
export interface InspectorTarget {
  id: string;
  title: string;
  type: string;
  url: string;
  webSocketDebuggerUrl: string;
}

export interface ProbeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** GETs /json/list (falling back to /json); rejects when nothing answers like an inspector there. */
export async function listTargets(host: string, port: number, options: ProbeOptions = {}): Promise<InspectorTarget[]> {
  try {
    return await getTargets(host, port, '/json/list', options);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return getTargets(host, port, '/json', options);
    throw error;
  }
}

/** True when an inspector answers /json/list on host:port. */
export async function isInspectorListening(host: string, port: number, options: ProbeOptions = {}): Promise<boolean> {
  try {
    return (await listTargets(host, port, { timeoutMs: 1000, ...options })).length > 0;
  } catch {
    return false;
  }
}

/**
 * The WebSocket URL of the first node target on host:port, with its host part replaced by the one
 * the user gave: we connect only where we were told to, whatever address the target reports.
 */
export async function webSocketUrlFor(host: string, port: number, options: ProbeOptions = {}): Promise<string> {
  const targets = await listTargets(host, port, options);
  const target = targets.find((t) => t.type === 'node') ?? targets[0];
  if (!target?.webSocketDebuggerUrl) throw new Error(`the inspector at ${host}:${port} lists no debuggable target`);
  const url = new URL(target.webSocketDebuggerUrl);
  url.hostname = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  url.port = String(port);
  return url.toString();
}

function getTargets(host: string, port: number, path: string, options: ProbeOptions): Promise<InspectorTarget[]> {
  const { timeoutMs = 3000, signal } = options;
  return new Promise((resolve, reject) => {
    const request = http.get({ host, port, path, agent: false, timeout: timeoutMs, signal }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(Object.assign(new Error(`${host}:${port}${path} answered HTTP ${response.statusCode}`), { statusCode: response.statusCode }));
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        try {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
          if (!Array.isArray(parsed)) throw new Error('not a list');
          resolve(parsed as InspectorTarget[]);
        } catch {
          reject(new Error(`${host}:${port}${path} did not answer with an inspector target list`));
        }
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${host}:${port} did not answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}
