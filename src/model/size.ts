// Byte sizes as people write and read them (K/M/G/T are powers of 1024): the one parser behind
// --max-size and --max-source-size, and the one formatter behind every "larger than …" message.

const scales: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "8MB", "512KB", "1.5g", "64KiB", "100000" (bytes) → bytes; undefined when the text is not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(bytes?|b|[kmgt](?:i?b)?)?$/i.exec(text.trim());
  if (!m) return undefined;
  const scale = scales[(m[2] ?? 'b').toLowerCase()[0] ?? 'b'] ?? 1;
  const bytes = Math.floor(Number(m[1]) * scale);
  return Number.isFinite(bytes) ? bytes : undefined;
}

/** 1536 → "1.5 KB", 8388608 → "8 MB", 1 → "1 byte". */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'an unknown size';
  const units: [number, string][] = [
    [1024 ** 4, 'TB'],
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
    [1024, 'KB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}
