// The byte pipe under a DevTools-protocol connection. Kept tiny so a connection can run over a
// WebSocket (a separate process) or anything else that moves strings (tests, in-process sessions).
import WebSocket from 'ws';

export interface Transport {
  send(message: string): void;
  /** Registers the message listener (one per transport). */
  onMessage(listener: (message: string) => void): void;
  /** Called once when the pipe closes, for whatever reason; `error` when it broke rather than closed. */
  onEnd(listener: (error?: Error) => void): void;
  dispose(): void;
}

export interface WebSocketConnectOptions {
  /** Give up connecting after this long (ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A Transport over the inspector's WebSocket endpoint (ws://host:port/<uuid>). */
export class WebSocketTransport implements Transport {
  private messageListener: ((message: string) => void) | undefined;
  private endListener: ((error?: Error) => void) | undefined;
  private ended = false;
  private endError: Error | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.messageListener?.(data.toString());
    });
    socket.on('error', (error) => this.end(error));
    socket.on('close', () => this.end());
  }

  static connect(url: string, options: WebSocketConnectOptions = {}): Promise<WebSocketTransport> {
    const { timeoutMs = 5000, signal } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
        return;
      }
      // perMessageDeflate off: the inspector doesn't negotiate it and large snapshots would pay for it.
      // maxPayload 0 = unlimited: Profiler.stop results of big profiles are single large messages.
      const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 0, handshakeTimeout: timeoutMs });
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.off('open', onOpen);
        socket.off('error', onError);
      };
      const onOpen = (): void => {
        cleanup();
        resolve(new WebSocketTransport(socket));
      };
      const onError = (error: Error): void => {
        cleanup();
        socket.terminate();
        reject(new Error(`could not connect to ${url}: ${error.message}`));
      };
      const onAbort = (): void => {
        cleanup();
        socket.terminate();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
      };
      const timer = setTimeout(() => onError(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      socket.once('open', onOpen);
      socket.once('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  send(message: string): void {
    if (this.ended || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(message);
  }

  onMessage(listener: (message: string) => void): void {
    this.messageListener = listener;
  }

  onEnd(listener: (error?: Error) => void): void {
    this.endListener = listener;
    if (this.ended) listener(this.endError);
  }

  dispose(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close();
    this.end();
  }

  private end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.endError = error;
    this.endListener?.(error);
  }
}
