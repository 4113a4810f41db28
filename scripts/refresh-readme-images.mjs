// `npm run readme:images`: the README's and the walkthrough's pictures come from the real-VS-Code suite, so they
// never show a FlameLens that no longer exists. The suite's UI specs save screenshots into test-output/vscode/
// (`npm run build && npm run test:vscode -- --only ui`); this copies the chosen ones into media/readme/, cropped
// to what they show and scaled down (Debian's Chromium through playwright-core does the drawing), because the
// images ship in the .vsix, which must stay small: a 48-colour palette (median cut, no dithering, which suits
// flat UI colours and text) and an indexed PNG make them about a third of Chromium's true-colour PNG, and
// cwebp's lossless WebP (Debian's `webp` package: apt-get install webp) of that PNG another quarter less
// (95 → 73 KB for the five, the same pixels). VS Code's Extensions view and walkthroughs show WebP.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

/* global Image, btoa -- used only inside page.evaluate, which runs in Chromium */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const from = path.join(root, 'test-output', 'vscode');
const to = path.join(root, 'media', 'readme');

/**
 * Each picture: the spec screenshot it comes from (`<spec>-<name>.png`, 1400×900), the part of it to keep
 * (CSS pixels) and the width to scale to.
 */
export const images = [
  // busy.js beside its flame graph, hot lines already in the editor (the workbench without the side bar and panel).
  { file: 'flame-graph.webp', source: 'flamelens-profile-1-flame-graph.png', crop: { x: 352, y: 30, width: 1048, height: 830 }, width: 720 },
  // The flame graph alone, full width in its editor: toolbar, colour key, timeline and graph (the function table is below the picture).
  { file: 'flame-graph-table.webp', source: 'open-profile-flame-graph.png', crop: { x: 352, y: 90, width: 1048, height: 780 }, width: 680 },
  // The editor alone: lenses above the functions, time and share after the hot lines, gutter flames.
  { file: 'hot-lines.webp', source: 'flamelens-profile-2-source-with-hot-lines.png', crop: { x: 352, y: 60, width: 520, height: 420 }, width: 520 },
  // The differential flame graph of two runs of busy.js.
  { file: 'compare.webp', source: 'readme-compare-diff.png', crop: { x: 352, y: 60, width: 1048, height: 700 }, width: 680 },
  // A load run: percentiles, server figures and charts beside the server's flame graph (the load-run spec).
  { file: 'load-run.webp', source: 'load-run-load-run-view-and-flame-graph.png', crop: { x: 352, y: 30, width: 1048, height: 820 }, width: 680 },
];
/** What all of them together may weigh: they ship in the .vsix (under 400 KB in all, so about 105 KB for the pictures). */
const budgetBytes = 105 * 1024;

/** A palette (256 colours at most) for an RGBA image by median cut over a 15-bit colour histogram (opaque images). */
function medianCutPalette(rgba, colours = 256) {
  const count = new Float64Array(32768);
  const sum = new Float64Array(32768 * 3);
  for (let i = 0; i < rgba.length; i += 4) {
    const b = ((rgba[i] >> 3) << 10) | ((rgba[i + 1] >> 3) << 5) | (rgba[i + 2] >> 3);
    count[b]++;
    sum[b * 3] += rgba[i];
    sum[b * 3 + 1] += rgba[i + 1];
    sum[b * 3 + 2] += rgba[i + 2];
  }
  const used = [];
  for (let b = 0; b < 32768; b++) if (count[b] > 0) used.push(b);
  const channel = (b, c) => (b >> (10 - 5 * c)) & 31;
  const describe = (buckets) => {
    let weight = 0;
    let widest = 0;
    let range = -1;
    for (let c = 0; c < 3; c++) {
      let lo = 31;
      let hi = 0;
      for (const b of buckets) {
        lo = Math.min(lo, channel(b, c));
        hi = Math.max(hi, channel(b, c));
      }
      if (hi - lo > range) [range, widest] = [hi - lo, c];
    }
    for (const b of buckets) weight += count[b];
    return { buckets, weight, widest, range };
  };
  const boxes = [describe(used)];
  while (boxes.length < colours) {
    // Split the box whose colours are both common and far apart, at its weighted median.
    let pick = -1;
    for (let i = 0; i < boxes.length; i++) {
      if (boxes[i].range > 0 && (pick < 0 || boxes[i].weight * boxes[i].range > boxes[pick].weight * boxes[pick].range)) pick = i;
    }
    if (pick < 0) break;
    const { buckets, weight, widest } = boxes[pick];
    buckets.sort((a, b) => channel(a, widest) - channel(b, widest));
    let seen = 0;
    let cut = 1;
    while (cut < buckets.length - 1 && seen + count[buckets[cut - 1]] < weight / 2) seen += count[buckets[cut++ - 1]];
    boxes.splice(pick, 1, describe(buckets.slice(0, cut)), describe(buckets.slice(cut)));
  }
  return boxes.map(({ buckets, weight }) =>
    [0, 1, 2].map((c) => Math.round(buckets.reduce((s, b) => s + sum[b * 3 + c], 0) / weight)),
  );
}

/** An 8-bit indexed PNG (colour type 3) of an opaque RGBA image: each pixel takes its nearest palette colour. */
function indexedPng(rgba, width, height) {
  const palette = medianCutPalette(rgba, 48);
  const nearest = new Int16Array(32768).fill(-1);
  const indexOf = (r, g, b) => {
    const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
    if (nearest[key] < 0) {
      let best = 0;
      let bestDistance = Infinity;
      palette.forEach(([pr, pg, pb], i) => {
        const d = (pr - r) ** 2 + (pg - g) ** 2 + (pb - b) ** 2;
        if (d < bestDistance) [best, bestDistance] = [i, d];
      });
      nearest[key] = best;
    }
    return nearest[key];
  };
  const rows = Buffer.alloc((width + 1) * height); // each row: filter type 0, then one index per pixel
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      rows[y * (width + 1) + 1 + x] = indexOf(rgba[p], rgba[p + 1], rgba[p + 2]);
    }
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8); // bit depth 8, indexed colour, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', Buffer.from(palette.flat())),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// `npm run readme:images -- compare.webp` refreshes only the pictures named (after running only their spec).
const only = process.argv.slice(2);
const chosen = only.length > 0 ? images.filter((i) => only.includes(i.file)) : images;
if (chosen.length < only.length) {
  console.error(`unknown pictures: ${only.filter((f) => !images.some((i) => i.file === f)).join(', ')}; known: ${images.map((i) => i.file).join(', ')}`);
  process.exit(1);
}
const missing = chosen.filter((i) => !existsSync(path.join(from, i.source)));
if (missing.length > 0) {
  console.error(`missing screenshots in ${path.relative(root, from)}: ${missing.map((i) => i.source).join(', ')}`);
  console.error('run the UI specs first: npm run build && npm run test:vscode -- --only ui');
  process.exit(1);
}

try {
  execFileSync('cwebp', ['-version'], { stdio: 'ignore' });
} catch {
  console.error('cwebp is needed to write the pictures as WebP: apt-get install webp');
  process.exit(1);
}

/** The lossless WebP of a PNG (cwebp at its slowest, smallest setting). */
function losslessWebp(png) {
  const dir = path.join(os.tmpdir(), `flamelens-readme-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(path.join(dir, 'in.png'), png);
    execFileSync('cwebp', ['-quiet', '-lossless', '-z', '9', '-metadata', 'none', path.join(dir, 'in.png'), '-o', path.join(dir, 'out.webp')]);
    return readFileSync(path.join(dir, 'out.webp'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

mkdirSync(to, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage();
  for (const image of chosen) {
    const png = readFileSync(path.join(from, image.source));
    const { crop, width } = image;
    const height = Math.round((crop.height * width) / crop.width);
    const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
    const rgba = await page.evaluate(
      async ({ dataUrl, crop, width, height }) => {
        const img = new Image();
        img.src = dataUrl;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        const ctx = canvas.getContext('2d');
        ctx.imageSmoothingQuality = 'high';
        ctx.drawImage(img, crop.x, crop.y, crop.width, crop.height, 0, 0, width, height);
        const pixels = ctx.getImageData(0, 0, width, height).data;
        let binary = '';
        for (let i = 0; i < pixels.length; i += 0x8000) binary += String.fromCharCode(...pixels.subarray(i, i + 0x8000));
        return btoa(binary);
      },
      { dataUrl, crop, width, height },
    );
    const bytes = losslessWebp(indexedPng(Buffer.from(rgba, 'base64'), width, height));
    writeFileSync(path.join(to, image.file), bytes);
    const taken = statSync(path.join(from, image.source)).mtime.toISOString().slice(0, 16).replace('T', ' ');
    console.log(`media/readme/${image.file}: ${width}×${height}, ${(bytes.length / 1024).toFixed(1)} KB (from ${image.source}, taken ${taken})`);
  }
} finally {
  await browser.close();
}
const total = images.reduce((sum, i) => sum + (statSync(path.join(to, i.file), { throwIfNoEntry: false })?.size ?? 0), 0);
console.log(`media/readme/ in all: ${(total / 1024).toFixed(1)} KB of ${budgetBytes / 1024} KB`);
if (total > budgetBytes) {
  console.error('over budget: crop tighter or scale smaller (they ship in the .vsix)');
  process.exit(1);
}
