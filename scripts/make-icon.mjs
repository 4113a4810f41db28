// Draws the extension icon (media/icon.png, 128×128, the marketplace and Extensions view icon): a flame
// whose body is the rows of a flame graph. The SVG below is the source; Debian's Chromium (playwright-core)
// renders it to PNG. Run `node scripts/make-icon.mjs` after changing the drawing.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const size = 128;

// Flame-graph rows from the bottom (widest, hottest colour) up; each row is split into frames.
const rows = [
  { y: 100, color: '#d9432b', frames: [[20, 108]] },
  { y: 86, color: '#e8632c', frames: [[20, 76], [78, 108]] },
  { y: 72, color: '#f08a2e', frames: [[20, 52], [54, 80], [82, 108]] },
  { y: 58, color: '#f6ad3a', frames: [[20, 60], [62, 108]] },
  { y: 44, color: '#f9c94f', frames: [[20, 48], [50, 108]] },
  { y: 30, color: '#fbe07a', frames: [[20, 108]] },
  { y: 16, color: '#fdf0b0', frames: [[20, 108]] },
];
const flame = 'M64 10 C70 28 96 42 97 76 C98 100 82 118 64 118 C46 118 30 102 30 80 C30 62 40 52 45 38 C50 50 54 56 58 60 C56 42 58 26 64 10 Z';

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}">
  <defs><clipPath id="flame"><path d="${flame}"/></clipPath></defs>
  <rect width="${size}" height="${size}" rx="24" fill="#1d2230"/>
  <g clip-path="url(#flame)">
    ${rows.flatMap((r) => r.frames.map(([x0, x1]) => `<rect x="${x0}" y="${r.y}" width="${x1 - x0}" height="12" rx="1.5" fill="${r.color}"/>`)).join('\n    ')}
  </g>
</svg>`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
  await page.setContent(`<!DOCTYPE html><style>html,body{margin:0;background:transparent}svg{display:block}</style>${svg}`);
  const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  const out = path.join(root, 'media', 'icon.png');
  writeFileSync(out, png);
  console.log(`${path.relative(root, out)}: ${png.length} bytes`);
} finally {
  await browser.close();
}
