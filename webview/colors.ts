// Frame colours by category (user code, node_modules, Node internals, native, meta), taken from
// CSS variables that map to VS Code's chart colours (with standalone fallbacks in style.css).
// Each frame is lightened by a hash of its name so neighbours stay distinguishable and the dark
// label text stays readable on every theme.
import type { FrameCategory } from '../src/model/types';

const categoryVariables: Record<FrameCategory, string> = {
  user: '--fl-user',
  node_modules: '--fl-modules',
  node: '--fl-node',
  native: '--fl-native',
  meta: '--fl-meta',
};

type Rgb = [number, number, number];

const buckets = 8;

export class Palette {
  private readonly shades = new Map<FrameCategory, string[]>();
  private readonly probe: HTMLElement;
  match = '#e600e6';

  constructor() {
    this.probe = document.createElement('span');
    this.probe.hidden = true;
    document.body.append(this.probe);
    this.refresh();
  }

  /** Re-reads the CSS variables (call when the VS Code theme changes). */
  refresh(): void {
    this.shades.clear();
    for (const category of Object.keys(categoryVariables) as FrameCategory[]) {
      const base = this.resolve(`var(${categoryVariables[category]})`) ?? [200, 120, 40];
      const shades: string[] = [];
      for (let i = 0; i < buckets; i++) shades.push(toCss(readable(base, 0.1 + (0.35 * i) / buckets)));
      this.shades.set(category, shades);
    }
    const match = this.resolve('var(--fl-match)');
    if (match) this.match = toCss(match);
  }

  /** The swatch colour of a category (for legends). */
  swatch(category: FrameCategory): string {
    return this.shades.get(category)?.[2] ?? '#999';
  }

  colour(category: FrameCategory, name: string): string {
    const shades = this.shades.get(category);
    if (!shades) return '#999';
    return shades[hash(name) % buckets] ?? '#999';
  }

  /** Lets the browser parse any CSS colour (hex, rgb(), named) by assigning it through the CSSOM. */
  private resolve(value: string): Rgb | undefined {
    this.probe.style.color = '';
    this.probe.style.color = value;
    const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(getComputedStyle(this.probe).color);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
  }
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length && i < 24; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), Math.round(a[2] + (b[2] - a[2]) * t)];
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Lightens by `t`, then further until dark text on it has good contrast. */
function readable(base: Rgb, t: number): Rgb {
  let rgb = mix(base, [255, 255, 255], t);
  for (let extra = t; luminance(rgb) < 0.3 && extra < 0.9; extra += 0.05) rgb = mix(base, [255, 255, 255], extra);
  return rgb;
}

function toCss([r, g, b]: Rgb): string {
  return `rgb(${r},${g},${b})`;
}
