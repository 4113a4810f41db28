// d3-transition for the SVG export bundle (dist/webview-svg.js) only: a "transition" that applies at
// once. The export draws with transitionDuration(0) and then writes every frame's position, width and
// label itself (webview/svg-export.ts), so nothing waits for a timer; this keeps d3-transition,
// d3-timer and d3-interpolate's transform tweens out of the .vsix (about 4 KB of it). The CLI's
// export (svg-offline.ts) keeps the real d3-transition.
import { selection } from 'd3-selection';

function immediate(target) {
  const chain = {
    duration: () => chain,
    delay: () => chain,
    ease: () => chain,
    attr: (name, value) => (target.attr(name, value), chain),
    style: (name, value, priority) => (target.style(name, value, priority), chain),
    text: (value) => (target.text(value), chain),
  };
  return chain;
}

selection.prototype.transition = function transition() {
  return immediate(this);
};
