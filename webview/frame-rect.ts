// The shape of a drawn frame as the flame graph's test/bench API (window.__flamelens.frames) reports it.
// No DOM here: the browser tests and the webview benchmark (Node programs) import it too.

/** A drawn frame, in CSS pixels of the page (client coordinates). */
export interface FrameRect {
  id: number;
  name: string;
  depth: number;
  value: number;
  folded: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Inside the chart's scrolled viewport (clickable without scrolling). */
  visible: boolean;
  faded: boolean;
  matched: boolean;
  fill: string;
}

/** One drawn rectangle, in CSS px relative to the canvas (the test API). */
export interface ChartRect {
  x: number;
  y: number;
  width: number;
  height: number;
  depth: number;
  name: string;
  from: number;
  to: number;
}
