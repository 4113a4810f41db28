// Just the parts of d3-flame-graph 5 (which ships no types) that FlameLens uses.
declare module 'd3-flame-graph' {
  /** A d3-hierarchy node as d3-flame-graph lays it out; `data` is the node we handed in. */
  export interface FlameHierarchyNode<T> {
    id: number;
    data: T;
    value: number;
    x0: number;
    x1: number;
    depth: number;
    height: number;
    parent: FlameHierarchyNode<T> | null;
    children?: FlameHierarchyNode<T>[];
    highlight?: boolean;
    delta?: number;
    originalValue?: number;
    each(callback: (node: FlameHierarchyNode<T>) => void): void;
  }

  export interface FlameTooltip<T> {
    (selection: unknown): void;
    show(event: MouseEvent, d: FlameHierarchyNode<T>): unknown;
    hide(): unknown;
    destroy?(): void;
  }

  export interface FlameGraph<T> {
    (selection: unknown): void;
    width(w: number): FlameGraph<T>;
    height(h: number | null): FlameGraph<T>;
    minHeight(h: number): FlameGraph<T>;
    cellHeight(h: number): FlameGraph<T>;
    tooltip(t: FlameTooltip<T>): FlameGraph<T>;
    title(t: string): FlameGraph<T>;
    transitionDuration(ms: number): FlameGraph<T>;
    sort(s: boolean | ((a: FlameHierarchyNode<T>, b: FlameHierarchyNode<T>) => number)): FlameGraph<T>;
    inverted(b: boolean): FlameGraph<T>;
    computeDelta(b: boolean): FlameGraph<T>;
    minFrameSize(px: number): FlameGraph<T>;
    selfValue(b: boolean): FlameGraph<T>;
    resetHeightOnZoom(b: boolean): FlameGraph<T>;
    label(f: (d: FlameHierarchyNode<T>) => string): FlameGraph<T>;
    search(term: string): void;
    clear(): void;
    zoomTo(d: FlameHierarchyNode<T>): void;
    resetZoom(): void;
    onClick(f: (d: FlameHierarchyNode<T>) => void): FlameGraph<T>;
    onHover(f: (d: FlameHierarchyNode<T>) => void): FlameGraph<T>;
    update(data?: T): FlameGraph<T>;
    destroy(): FlameGraph<T>;
    setColorMapper(f: (d: FlameHierarchyNode<T>, originalColor: string) => string): FlameGraph<T>;
    setSearchHandler(f: (results: FlameHierarchyNode<T>[], sum: number, total: number) => void): FlameGraph<T>;
    setSearchMatch(f: (d: FlameHierarchyNode<T>, term: string) => boolean): FlameGraph<T>;
    setDetailsHandler(f: (text: string | null) => void): FlameGraph<T>;
  }

  function flamegraph<T>(): FlameGraph<T>;
  // The package's only entry point for the factory is its default export.
  // eslint-disable-next-line no-restricted-syntax
  export default flamegraph;

  export const colorMapper: {
    differentialColorMapper(d: FlameHierarchyNode<unknown>, originalColor: string): string;
  };
}

declare module 'd3-selection' {
  export interface Selection {
    datum(value: unknown): Selection;
    datum(): unknown;
    call(f: (selection: Selection) => void): Selection;
  }
  export function select(element: Element): Selection;
}
