// d3-ease for the SVG export bundle: its transitions apply at once (d3-transition-now.mjs), so the
// easing d3-flame-graph passes them is never called.
export const easeCubic = (t) => t;
