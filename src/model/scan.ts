// A one-pass JSON scanner over raw bytes. Profiles run to hundreds of megabytes; decoding them to
// a string and JSON.parse-ing them into millions of objects costs several times the file in time
// and memory. The importers instead walk the bytes once, parse numbers in place, decode only the
// few strings they keep (interned by their bytes), and skip — while still validating — the rest.
// Windowed, the scanner holds only a window of the input and reads on at element boundaries
// (refill), so a large .cpuprofile is never in memory whole; see WindowedInput.
import { ProfileError } from './types';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const MINUS = 0x2d;

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Encodes an ASCII key once, for byte comparison against keys in the input. */
export function keyBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}

/** The code readKey returns for `key`: length × 256 + first byte. */
export function keyCode(key: Uint8Array): number {
  return (key.length << 8) | (key[0] ?? 0);
}

/**
 * Reads input bytes from `position` into `into` (as many as fit, fewer only at the end of the
 * input); returns how many it read. Keeps file access (node:fs) out of the model.
 */
export type ReadAt = (into: Uint8Array, position: number) => number;

/** An input read through a window: its size in bytes and how to read a part of it. */
export interface WindowedInput {
  size: number;
  readAt: ReadAt;
  /** Window bytes (default defaultWindowBytes); one element of a big array must fit in half of it. */
  windowBytes?: number;
}

/**
 * 128 KB: nodes of up to 64 KB stream (real ones are under 1 KB; a larger one makes the caller
 * read the file whole). A 64 KB window parsed as fast as a 1 MB one (it stays in the CPU's cache)
 * and peaked ~0.1× of an 11 MB file lower (bench/ingest.ts, BENCH_WINDOW).
 */
export const defaultWindowBytes = 128 * 1024;

/**
 * Thrown by a windowed scanner when the input cannot be read through the window (an element
 * larger than half the window, or a shape the windowed scan does not handle): the caller parses
 * the whole input instead. Never a user-facing error.
 */
export class NeedsWholeInput extends Error {
  constructor(reason: string) {
    super(`needs the whole input: ${reason}`);
    this.name = 'NeedsWholeInput';
  }
}

export class JsonScanner {
  /** The bytes in memory: the whole input, or the window (input bytes base .. base + len). */
  buf: Uint8Array;
  len: number;
  pos = 0;
  /** Input offset of buf[0] (0 unless windowed). */
  base = 0;
  /** Bytes in the whole input. */
  readonly size: number;
  /** Windowed: refill() reads on once pos passes this; Infinity when the rest of the input is in buf. */
  refillAt = Infinity;
  /** Byte range of the last string read by readStringRange (without quotes). */
  strStart = 0;
  strEnd = 0;
  private readonly window: Uint8Array | null = null;
  private readonly readAt: ReadAt | null = null;

  constructor(input: Uint8Array | WindowedInput) {
    if (input instanceof Uint8Array) {
      // A plain Uint8Array view: on a Node Buffer, indexOf would go through Buffer's slower wrapper.
      this.buf = Object.getPrototypeOf(input) === Uint8Array.prototype ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
      this.len = input.length;
      this.size = input.length;
    } else {
      this.size = input.size;
      this.window = new Uint8Array(Math.max(16, input.windowBytes ?? defaultWindowBytes));
      this.readAt = input.readAt;
      this.buf = this.window.subarray(0, 0);
      this.len = 0;
      this.refill(true);
    }
    const buf = this.buf;
    // A UTF-8 byte-order mark is harmless; skip it.
    if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) this.pos = 3;
  }

  /** True when buf holds the input up to its end (always, unless windowed). */
  get atInputEnd(): boolean {
    return this.base + this.len >= this.size;
  }

  /**
   * Windowed: called between elements (nothing of the scan so far points into buf any more).
   * Once pos is past refillAt (or always, with `force`), moves the unread bytes to the window's
   * start and reads on after them. Half the window stays ahead of pos, so an element of up to
   * that size is whole in buf when its scan starts.
   */
  refill(force = false): void {
    const window = this.window;
    const readAt = this.readAt;
    if (window === null || readAt === null || (!force && this.pos <= this.refillAt) || this.atInputEnd) return;
    const keep = this.len - this.pos;
    window.copyWithin(0, this.pos, this.len);
    const base = this.base + this.pos;
    let filled = keep;
    let size = this.size;
    while (filled < window.length && base + filled < size) {
      const n = readAt(window.subarray(filled, Math.min(window.length, size - base)), base + filled);
      // The input got shorter than it was said to be: it ends here.
      if (n <= 0) size = base + filled;
      filled += Math.max(0, n);
    }
    if (size !== this.size) (this as { size: number }).size = size;
    this.base = base;
    this.pos = 0;
    this.len = filled;
    this.buf = window.subarray(0, filled);
    this.refillAt = this.atInputEnd ? Infinity : filled - (window.length >> 1);
  }

  /** Offset in the input of buf[at]: what error messages say. */
  offset(at = this.pos): number {
    return this.base + at;
  }

  /** Throws 'truncated' when the input ended early, 'invalid-json' otherwise. */
  fail(expected: string, at = this.pos): never {
    if (at >= this.len) {
      if (!this.atInputEnd) throw new NeedsWholeInput(`a value runs past the ${this.window?.length ?? 0}-byte window`);
      throw new ProfileError('truncated', `The file ends early (after ${this.size} byte${this.size === 1 ? '' : 's'}, expected ${expected}): it was probably cut off while being written or copied. Capture or copy the profile again.`);
    }
    const found = describeByte(this.buf[at] ?? 0);
    throw new ProfileError('invalid-json', `Not valid JSON: expected ${expected} at byte ${this.offset(at)} but found ${found}.`);
  }

  skipWs(): number {
    const buf = this.buf;
    let p = this.pos;
    let c = buf[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = buf[++p];
    this.pos = p;
    return c === undefined ? -1 : c;
  }

  /** Skips whitespace; returns the next byte (-1 at the end) without consuming it. */
  peek(): number {
    return this.skipWs();
  }

  expect(ch: number, what: string): void {
    if (this.skipWs() !== ch) this.fail(what);
    this.pos++;
  }

  /** After a member/element: consumes ',' (true: more follow) or the closing byte (false). */
  next(close: number): boolean {
    let c = this.buf[this.pos];
    if (c !== COMMA && c !== close) c = this.skipWs();
    if (c === COMMA) {
      this.pos++;
      return true;
    }
    if (c === close) {
      this.pos++;
      return false;
    }
    return this.fail(close === RBRACE ? "',' or '}'" : "',' or ']'");
  }

  /** Opens an object; returns false if it is empty (and consumes the '}'). */
  openObject(): boolean {
    let c = this.buf[this.pos];
    if (c !== LBRACE) c = this.skipWs();
    if (c !== LBRACE) this.fail("'{'");
    this.pos++;
    c = this.buf[this.pos];
    if (c === QUOTE) return true;
    if (this.skipWs() === RBRACE) {
      this.pos++;
      return false;
    }
    return true;
  }

  /** Opens an array; returns false if it is empty (and consumes the ']'). */
  openArray(): boolean {
    let c = this.buf[this.pos];
    if (c !== LBRACKET) c = this.skipWs();
    if (c !== LBRACKET) this.fail("'['");
    this.pos++;
    c = this.buf[this.pos];
    if (c !== RBRACKET && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return true;
    if (this.skipWs() === RBRACKET) {
      this.pos++;
      return false;
    }
    return true;
  }

  /**
   * Reads an object key and the ':' after it; the key's bytes are strStart..strEnd. Returns a
   * cheap code — length × 256 + first byte — to switch on before confirming with keyIs.
   */
  readKey(): number {
    const buf = this.buf;
    let p = this.pos;
    if (buf[p] !== QUOTE) {
      if (this.skipWs() !== QUOTE) this.fail('a quoted key');
      p = this.pos;
    }
    const start = p + 1;
    // Keys are short: a byte loop beats the call into native indexOf once the JIT has run.
    let end = start;
    let c = buf[end];
    while (c !== QUOTE && c !== BACKSLASH && c !== undefined && end - start < 32) c = buf[++end];
    if (c !== QUOTE) {
      end = buf.indexOf(QUOTE, start);
      if (end < 0) this.fail('the end of a key', this.len);
      if (buf[end - 1] === BACKSLASH && end > start) end = this.escapedStringEnd(start);
    }
    this.strStart = start;
    this.strEnd = end;
    p = end + 1;
    if (buf[p] === COLON) {
      this.pos = p + 1;
    } else {
      this.pos = p;
      this.expect(COLON, "':'");
    }
    return ((end - start) << 8) | (buf[start] ?? 0);
  }

  /** True when the last string read equals `key` byte for byte. */
  keyIs(key: Uint8Array): boolean {
    const n = key.length;
    if (this.strEnd - this.strStart !== n) return false;
    const buf = this.buf;
    const s = this.strStart;
    for (let i = 0; i < n; i++) if (buf[s + i] !== key[i]) return false;
    return true;
  }

  /**
   * Scans a string at pos (which must be '"'), recording its byte range. The closing quote is
   * found with the native indexOf, so string bytes cost no JavaScript work; only a quote preceded
   * by a backslash sends us to a byte loop that understands escapes.
   */
  readStringRange(): void {
    const buf = this.buf;
    const start = this.pos + 1;
    if (buf[this.pos] !== QUOTE) this.fail('a string', this.pos);
    // Short strings (names, ids) end within a few bytes; long ones (urls) go to native indexOf.
    let end = start;
    let c = buf[end];
    while (c !== QUOTE && c !== BACKSLASH && c !== undefined && end - start < 16) c = buf[++end];
    if (c !== QUOTE) {
      end = buf.indexOf(QUOTE, start);
      if (end < 0) this.fail('the end of a string', this.len);
      if (buf[end - 1] === BACKSLASH && end > start) end = this.escapedStringEnd(start);
    }
    this.strStart = start;
    this.strEnd = end;
    this.pos = end + 1;
  }

  /** End of a string that contains escaped quotes (or ends in an escaped backslash). */
  private escapedStringEnd(start: number): number {
    const buf = this.buf;
    let p = start;
    for (;;) {
      const c = buf[p];
      if (c === QUOTE) return p;
      if (c === undefined) return this.fail('the end of a string', p);
      p += c === BACKSLASH ? 2 : 1;
    }
  }

  /** Decodes the last string read (UTF-8, then JSON escapes if there are any). */
  decodeString(): string {
    const { buf, strStart, strEnd } = this;
    const raw = utf8.decode(buf.subarray(strStart, strEnd));
    if (!raw.includes('\\')) {
      // JSON forbids raw control characters in strings; a regex test is native and cheap.
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f]/.test(raw)) this.fail('a string character (raw control characters are not allowed)', strStart);
      return raw;
    }
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      throw new ProfileError('invalid-json', `Not valid JSON: bad escape sequence in the string at byte ${this.offset(strStart - 1)}.`);
    }
  }

  readString(what: string): string {
    if (this.skipWs() !== QUOTE) this.typeError(what, 'a string');
    this.readStringRange();
    return this.decodeString();
  }

  /** Reads a JSON number at pos. Integers are parsed from the bytes; anything else via Number(). */
  /** `what` names the value for errors; a '%d' in it is replaced by `index` (built only on error). */
  readNumber(what: string, index = 0): number {
    const buf = this.buf;
    let p = this.pos;
    let c = buf[p];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      this.skipWs();
      p = this.pos;
    }
    c = buf[p];
    const start = p;
    let neg = false;
    if (c === MINUS) {
      neg = true;
      c = buf[++p];
    }
    if (c === undefined) this.fail('a number', p);
    if (neg && (c < 0x30 || c > 0x39)) this.fail('a digit', p);
    if (c < 0x30 || c > 0x39) {
      this.pos = start;
      return this.typeError(what.replace('%d', String(index)), 'a number');
    }
    let v = 0;
    let digits = 0;
    while (c !== undefined && c >= 0x30 && c <= 0x39) {
      v = v * 10 + (c - 0x30);
      digits++;
      c = buf[++p];
    }
    // At the window's end the number may go on in the input: never take a prefix of it.
    if (c === undefined && !this.atInputEnd) this.fail('the rest of a number', p);
    if (c === 0x2e || c === 0x65 || c === 0x45 || digits > 15) {
      // Fraction, exponent or too many digits for exact integer arithmetic: take the slow path.
      if (c === 0x2e) {
        c = buf[++p];
        if (c === undefined || c < 0x30 || c > 0x39) this.fail('a digit', p);
        while (c !== undefined && c >= 0x30 && c <= 0x39) c = buf[++p];
      }
      if (c === 0x65 || c === 0x45) {
        c = buf[++p];
        if (c === 0x2b || c === MINUS) c = buf[++p];
        if (c === undefined || c < 0x30 || c > 0x39) this.fail('a digit', p);
        while (c !== undefined && c >= 0x30 && c <= 0x39) c = buf[++p];
      }
      if (c === undefined && !this.atInputEnd) this.fail('the rest of a number', p);
      let s = '';
      for (let i = start; i < p; i++) s += String.fromCharCode(buf[i]!);
      this.pos = p;
      return Number(s);
    }
    this.pos = p;
    return neg ? -v : v;
  }

  /** Skips any JSON value, validating it. Iterative, so deep nesting cannot overflow the stack. */
  skipValue(): void {
    const c0 = this.skipWs();
    // Scalars (the common case: scriptId, deoptReason…) need no container stack.
    if (c0 === QUOTE) {
      this.readStringRange();
      return;
    }
    if (c0 !== LBRACE && c0 !== LBRACKET) {
      this.skipScalar(c0);
      return;
    }
    this.skipContainer();
  }

  private skipScalar(c: number): void {
    if (c === MINUS || (c >= 0x30 && c <= 0x39)) this.readNumber('a value');
    else if (c === 0x74) this.literal('true');
    else if (c === 0x66) this.literal('false');
    else if (c === 0x6e) this.literal('null');
    else this.fail('a value');
  }

  private skipContainer(): void {
    const stack: number[] = [];
    for (;;) {
      const c = this.skipWs();
      if (c === LBRACE || c === LBRACKET) {
        this.pos++;
        const close = c === LBRACE ? RBRACE : RBRACKET;
        if (this.skipWs() === close) {
          this.pos++;
        } else {
          stack.push(close);
          if (close === RBRACE) this.readKey();
          continue;
        }
      } else if (c === QUOTE) {
        this.readStringRange();
      } else {
        this.skipScalar(c);
      }
      // After a complete value: close containers or move to the next member.
      for (;;) {
        const close = stack[stack.length - 1];
        if (close === undefined) return;
        if (this.next(close)) {
          if (close === RBRACE) this.readKey();
          break;
        }
        stack.pop();
      }
    }
  }

  private literal(word: string): void {
    for (let i = 0; i < word.length; i++) {
      if (this.buf[this.pos + i] !== word.charCodeAt(i)) this.fail(`'${word}'`, this.pos + i);
    }
    this.pos += word.length;
  }

  /** True if the next value is null (consumed). */
  takeNull(): boolean {
    if (this.skipWs() === 0x6e) {
      this.literal('null');
      return true;
    }
    return false;
  }

  /** A structurally wrong value: valid JSON, but not what a profile has at this place. */
  typeError(what: string, expected: string): never {
    const c = this.skipWs();
    if (c === -1) this.fail(expected);
    const found = c === QUOTE ? 'a string' : c === LBRACE ? 'an object' : c === LBRACKET ? 'an array' : c === 0x6e ? 'null' : c === 0x74 || c === 0x66 ? 'a boolean' : c === MINUS || (c >= 0x30 && c <= 0x39) ? 'a number' : null;
    if (found === null) this.fail('a value');
    throw new ProfileError('invalid-structure', `Not a valid profile: ${what} should be ${expected} but is ${found} (byte ${this.offset()}).`);
  }

  /** Checks that nothing but whitespace follows the top-level value. */
  end(): void {
    while (this.skipWs() === -1 && !this.atInputEnd) this.refill(true);
    if (this.skipWs() !== -1) this.fail('the end of the file');
  }
}

export function describeByte(c: number): string {
  if (c >= 0x21 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * Interns strings by their raw bytes: a url repeated on 100 000 nodes is decoded once. Lookup
 * hashes the length and up to 16 bytes (the start and the end, where paths differ) and then
 * confirms the candidate byte for byte, so repeats create no garbage at all. Each distinct
 * spelling's bytes are copied aside once: a windowed scanner's buffer does not keep them.
 */
export class ByteStringTable {
  readonly strings: string[] = [];
  private readonly byValue = new Map<string, number>();
  private slots: Int32Array = new Int32Array(1024).fill(-1);
  /** The distinct raw spellings, back to back. */
  private rawBytes = new Uint8Array(4096);
  private rawBytesUsed = 0;
  /** Per raw spelling: where its bytes are in rawBytes, and its string id. */
  private rawStart: Int32Array = new Int32Array(256);
  private rawEnd: Int32Array = new Int32Array(256);
  private rawHash: Int32Array = new Int32Array(256);
  private rawId: Int32Array = new Int32Array(256);
  private rawCount = 0;

  /** Id of the string the scanner just read (via readStringRange). */
  internLast(sc: JsonScanner): number {
    const { buf, strStart, strEnd } = sc;
    const n = strEnd - strStart;
    let h = Math.imul(n, 0x9e3779b1);
    const head = n < 8 ? n : 8;
    for (let i = 0; i < head; i++) h = Math.imul(h ^ buf[strStart + i]!, 0x01000193);
    for (let i = n - 8 > head ? n - 8 : head; i < n; i++) h = Math.imul(h ^ buf[strStart + i]!, 0x01000193);
    const mask = this.slots.length - 1;
    const raw = this.rawBytes;
    let slot = (h ^ (h >>> 16)) & mask;
    for (;;) {
      const r = this.slots[slot]!;
      if (r < 0) break;
      if (this.rawHash[r] === h) {
        const s = this.rawStart[r]!;
        if (this.rawEnd[r]! - s === n) {
          // Compare from the end: paths that differ usually differ there.
          let i = n - 1;
          while (i >= 0 && raw[s + i] === buf[strStart + i]) i--;
          if (i < 0) return this.rawId[r]!;
        }
      }
      slot = (slot + 1) & mask;
    }
    const id = this.internValue(sc.decodeString());
    const r = this.rawCount++;
    if (r === this.rawStart.length) this.growRaw();
    this.rawStart[r] = this.keepBytes(buf, strStart, strEnd);
    this.rawEnd[r] = this.rawStart[r]! + n;
    this.rawHash[r] = h;
    this.rawId[r] = id;
    this.slots[slot] = r;
    if (this.rawCount * 2 > this.slots.length) this.rehash();
    return id;
  }

  internValue(value: string): number {
    let id = this.byValue.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(value);
      this.byValue.set(value, id);
    }
    return id;
  }

  /** Copies buf[start..end) to the end of rawBytes; returns where it went. */
  private keepBytes(buf: Uint8Array, start: number, end: number): number {
    const at = this.rawBytesUsed;
    const need = at + end - start;
    if (need > this.rawBytes.length) {
      const grownBytes = new Uint8Array(Math.max(need, this.rawBytes.length * 2));
      grownBytes.set(this.rawBytes.subarray(0, at));
      this.rawBytes = grownBytes;
    }
    this.rawBytes.set(buf.subarray(start, end), at);
    this.rawBytesUsed = need;
    return at;
  }

  private growRaw(): void {
    const n = this.rawStart.length * 2;
    this.rawStart = grown(this.rawStart, n);
    this.rawEnd = grown(this.rawEnd, n);
    this.rawHash = grown(this.rawHash, n);
    this.rawId = grown(this.rawId, n);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let r = 0; r < this.rawCount; r++) {
      const h = this.rawHash[r]!;
      let slot = (h ^ (h >>> 16)) & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = r;
    }
    this.slots = slots;
  }
}

function grown(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/** A growable Int32 or Float64 list. */
export class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  /** Room for `count` more values without growing (callers that know the size write `data` directly). */
  reserve(count: number): void {
    const need = this.length + count;
    if (need <= this.data.length) return;
    const b = new Int32Array(need);
    b.set(this.data.subarray(0, this.length));
    this.data = b;
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const b = new Int32Array(Math.ceil(this.data.length * 1.5) + 16);
      b.set(this.data);
      this.data = b;
    }
    this.data[this.length++] = v;
  }
  /** The filled part (a view, no copy). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export class FloatList {
  data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(Math.max(16, capacity));
  }
  /** Room for `count` more values without growing (callers that know the size write `data` directly). */
  reserve(count: number): void {
    const need = this.length + count;
    if (need <= this.data.length) return;
    const b = new Float64Array(need);
    b.set(this.data.subarray(0, this.length));
    this.data = b;
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const b = new Float64Array(Math.ceil(this.data.length * 1.5) + 16);
      b.set(this.data);
      this.data = b;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
