// Text saved as UTF-16 where FlameLens reads UTF-8 JSON (profiles, heap snapshots): PowerShell's
// `>` and some editors write it, with a byte-order mark or without one. Told from the first bytes,
// so the user hears which encoding the file has rather than that it is no profile at all.

export interface Utf16Text {
  /** Byte order. */
  readonly littleEndian: boolean;
  /** Starts with a byte-order mark (FF FE or FE FF). */
  readonly bom: boolean;
}

/** Code units looked at when there is no byte-order mark. */
const sniffUnits = 64;

/**
 * Whether `bytes` (a file's start) is UTF-16 text: a byte-order mark, or JSON's ASCII with a NUL
 * beside every character — `{` or whitespace first, then only ASCII units. Binary formats
 * (pprof, gzip) and UTF-8 never match: their units are not all NUL on one side.
 */
export function utf16Text(bytes: Uint8Array): Utf16Text | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe && !(bytes[2] === 0 && bytes[3] === 0)) return { littleEndian: true, bom: true };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { littleEndian: false, bom: true };
  const units = Math.min(sniffUnits, bytes.length >> 1);
  if (units < 2) return undefined;
  for (const littleEndian of [true, false]) {
    const ascii = littleEndian ? 0 : 1;
    let ok = isJsonStart(bytes[ascii]!);
    for (let u = 0; ok && u < units; u++) {
      const c = bytes[2 * u + ascii]!;
      ok = bytes[2 * u + 1 - ascii] === 0 && c !== 0 && c < 0x80;
    }
    if (ok) return { littleEndian, bom: false };
  }
  return undefined;
}

/** `{`, `[` or JSON whitespace. */
function isJsonStart(c: number): boolean {
  return c === 0x7b || c === 0x5b || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** "UTF-16 (little-endian, with a byte-order mark)", for messages. */
export function describeUtf16(text: Utf16Text): string {
  return `UTF-16 (${text.littleEndian ? 'little' : 'big'}-endian, ${text.bom ? 'with' : 'without'} a byte-order mark)`;
}

/** What to do about it. */
export const utf16Advice = "re-save it as UTF-8 (PowerShell's > writes UTF-16; use Out-File -Encoding utf8)";
