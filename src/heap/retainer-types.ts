// What the snapshot worker answers about a kept snapshot (src/heap/inspect.ts), as the snapshot view
// receives it. Types only, so the webview bundle can import them.

/** One object of a constructor (the WASM parser's node index, V8's @id, bytes). */
export interface HeapInstance {
  index: number;
  id: number;
  name: string;
  selfSize: number;
  retainedSize: number;
}

export interface InstancePage {
  name: string;
  /** How many objects the constructor has. */
  total: number;
  instances: HeapInstance[];
}

export interface RetainerStep {
  /** How the retainer refers to the object before it: `cache`, `[3]`, `table`. */
  edge: string;
  /** V8's edge type: property, element, context, internal, hidden, shortcut, weak. */
  edgeType: string;
  /** The retaining object's constructor or name (capped; its V8 node type in brackets when it has none). */
  name: string;
  id: number;
}

export interface RetainerPath {
  /** Nearest retainer first, towards the GC roots. */
  steps: RetainerStep[];
  /** root: reaches the GC roots; depth: cut at the maximum distance; none: nothing reachable retains its last step. */
  end: 'root' | 'depth' | 'none';
}

export interface RetainerReport {
  index: number;
  /** References to the object (the paths start from the first of them, shortest first, weak ones last). */
  retainers: number;
  paths: RetainerPath[];
}
