// A DevTools-protocol client over any Transport: request ids mapped to promises, typed with
// devtools-protocol's command and event maps. No vscode imports: unit-tested in plain Node.
import { EventEmitter } from 'node:events';
import type { ProtocolMapping } from 'devtools-protocol/types/protocol-mapping';
import type { Transport } from './transport';
import { CommandTimeoutError, ConnectionClosedError, ProtocolError } from './errors';
import { escapeNotificationText } from '../../model/escape-text';
import type { NodeProtocolCommands, NodeProtocolEvents } from './node-protocol';

type Commands = ProtocolMapping.Commands & NodeProtocolCommands;
type Events = ProtocolMapping.Events & NodeProtocolEvents;
export type CommandName = keyof Commands;
export type CommandParams<M extends CommandName> = Commands[M]['paramsType'];
export type CommandResult<M extends CommandName> = Commands[M]['returnType'];
export type EventName = keyof Events;
export type EventParams<E extends EventName> = Events[E][0];

export interface SendOptions {
  /** Reject after this long (ms). Default: the connection's default; 0 = wait forever. */
  timeoutMs?: number;
}

interface Pending {
  method: string;
  /** Created at send time so the stack shows who sent the command. */
  error: Error;
  timer: NodeJS.Timeout | undefined;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

interface Incoming {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: string };
}

export class Connection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new EventEmitter();
  private closedError: Error | undefined;
  private readonly closeListeners: Array<(error?: Error) => void> = [];

  constructor(
    private readonly transport: Transport,
    private readonly defaultTimeoutMs = 30_000,
  ) {
    // A snapshot streams thousands of chunk events; listeners are ours, not leaks.
    this.events.setMaxListeners(0);
    transport.onMessage((message) => this.receive(message));
    transport.onEnd((error) => this.closed(error));
  }

  get isClosed(): boolean {
    return this.closedError !== undefined;
  }

  /** Sends a command and resolves with its result (typed by devtools-protocol). */
  send<M extends CommandName>(method: M, params?: CommandParams<M>[0], options?: SendOptions): Promise<CommandResult<M>> {
    const error = new Error(`${method} failed`);
    if (this.closedError) {
      return Promise.reject(new ConnectionClosedError(method, `${method}: ${this.closedError.message}`));
    }
    const id = this.nextId++;
    const timeoutMs = options?.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<CommandResult<M>>((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.pending.delete(id);
              reject(withStack(new CommandTimeoutError(method, `${method} got no answer within ${timeoutMs} ms`), error));
            }, timeoutMs)
          : undefined;
      this.pending.set(id, { method, error, timer, resolve: resolve as (r: unknown) => void, reject });
      this.transport.send(JSON.stringify({ id, method, params: params ?? {} }));
    });
  }

  on<E extends EventName>(event: E, listener: (params: EventParams<E>) => void): () => void {
    this.events.on(event, listener as (p: unknown) => void);
    return () => this.events.off(event, listener as (p: unknown) => void);
  }

  /** Called once when the connection ends; immediately if it already has. */
  onClose(listener: (error?: Error) => void): void {
    if (this.closedError) listener(this.closedError);
    else this.closeListeners.push(listener);
  }

  /** Resolves with the next event of a kind (e.g. Runtime.executionContextCreated). */
  once<E extends EventName>(event: E, timeoutMs = this.defaultTimeoutMs): Promise<EventParams<E>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new CommandTimeoutError(event, `no ${event} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on(event, (params) => {
        clearTimeout(timer);
        off();
        resolve(params);
      });
    });
  }

  dispose(): void {
    this.transport.dispose();
    this.closed();
  }

  private receive(message: string): void {
    let parsed: Incoming;
    try {
      parsed = JSON.parse(message) as Incoming;
    } catch {
      return; // Not protocol JSON: nothing to route.
    }
    if (typeof parsed.id === 'number') {
      const pending = this.pending.get(parsed.id);
      if (!pending) return;
      this.pending.delete(parsed.id);
      clearTimeout(pending.timer);
      if (parsed.error) {
        // Whatever listens on the port wrote this text, and it reaches notifications: quoted inertly.
        const detail = parsed.error.data ? ` (${escapeNotificationText(String(parsed.error.data))})` : '';
        const message = escapeNotificationText(String(parsed.error.message));
        pending.reject(withStack(new ProtocolError(pending.method, parsed.error.code, `${pending.method}: ${message}${detail}`), pending.error));
      } else {
        pending.resolve(parsed.result ?? {});
      }
    } else if (typeof parsed.method === 'string') {
      this.events.emit(parsed.method, parsed.params ?? {});
    }
  }

  private closed(cause?: Error): void {
    if (this.closedError) return;
    const reason = cause ? `connection to the target closed (${cause.message})` : 'connection to the target closed';
    this.closedError = new Error(reason);
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(withStack(new ConnectionClosedError(pending.method, `${pending.method}: ${reason} before it answered`), pending.error));
    }
    for (const listener of this.closeListeners.splice(0)) listener(cause);
    this.events.removeAllListeners();
  }
}

/** Gives `error` the stack captured at send time (keeping its own first line). */
function withStack<T extends Error>(error: T, origin: Error): T {
  const frames = origin.stack?.split('\n').slice(1).join('\n');
  if (frames) error.stack = `${error.name}: ${error.message}\n${frames}`;
  return error;
}
