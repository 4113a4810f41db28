// The webview's link to whoever feeds it: the extension host inside VS Code, or — in the
// CLI's standalone HTML report — a local stand-in that answers from data embedded in the page.
import type { HostMessage, WebviewMessage } from '../src/protocol';

/** What the connected host can do; the UI disables controls for what it cannot. */
export interface HostCapabilities {
  /** Re-computes the tree for view options (filters, bottom-up). */
  options: boolean;
  /** Sends detail for pruned nodes. */
  expand: boolean;
  sandwich: boolean;
  /** Opens source files in an editor. */
  openSource: boolean;
  /** Runs FlameLens: Export Profile… for this view. */
  export: boolean;
  /** Saves the drawn flame graph as an SVG download (a browser page; VS Code webviews do not download). */
  saveSvg: boolean;
}

export interface Host {
  readonly capabilities: HostCapabilities;
  post(message: WebviewMessage): void;
  onMessage(listener: (message: HostMessage) => void): void;
  getState<T>(): T | undefined;
  setState<T>(state: T): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const embeddedDataId = 'flamelens-data';

function listen(listener: (message: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as unknown;
    if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') {
      listener(data as HostMessage);
    }
  });
}

function vscodeHost(api: VsCodeApi): Host {
  return {
    capabilities: { options: true, expand: true, sandwich: true, openSource: true, export: true, saveSvg: false },
    post: (message) => api.postMessage(message),
    onMessage: listen,
    getState: <T>() => (api.getState() as T | undefined) ?? undefined,
    setState: (state) => api.setState(state),
  };
}

/**
 * The standalone report has no backend: `ready` is answered with the embedded init payload and
 * everything that needs the full profile is switched off (the UI says "available in VS Code").
 */
function standaloneHost(init: HostMessage): Host {
  const key = `flamelens-state:${location.pathname}`;
  let memory: unknown;
  const listeners: ((message: HostMessage) => void)[] = [];
  return {
    capabilities: { options: false, expand: false, sandwich: false, openSource: false, export: false, saveSvg: true },
    post(message) {
      if (message.type === 'ready') queueMicrotask(() => listeners.forEach((l) => l(init)));
    },
    onMessage: (listener) => listeners.push(listener),
    getState<T>() {
      try {
        const stored = sessionStorage.getItem(key);
        if (stored) return JSON.parse(stored) as T;
      } catch {
        // file:// pages may have no storage; fall back to memory
      }
      return memory as T | undefined;
    },
    setState(state) {
      memory = state;
      try {
        sessionStorage.setItem(key, JSON.stringify(state));
      } catch {
        // ignore: state then lives for this page only
      }
    },
  };
}

export function connectHost(): Host {
  if (typeof acquireVsCodeApi === 'function') return vscodeHost(acquireVsCodeApi());
  const embedded = document.getElementById(embeddedDataId);
  if (embedded?.textContent) return standaloneHost(JSON.parse(embedded.textContent) as HostMessage);
  throw new Error('FlameLens: no VS Code API and no embedded profile data');
}
