// The flame graph's row height, shared by the canvas view and the SVG export (a separate bundle
// that must not pull the view in with it).
export const cellHeight = 18;
