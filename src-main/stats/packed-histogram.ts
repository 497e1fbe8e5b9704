// A packed histogram row (job_run_daily_histograms, job_run_weekly_histograms: a JSONB object from bucket, as text, to
// runs) decoded straight from SQLite's JSONB bytes, without turning it into JSON text and parsing that: a first stats
// call reads thousands of these rows. The format is SQLite's (https://sqlite.org/jsonb.html): each element is a header
// (its type in the low 4 bits of the first byte; its payload size in the high 4 bits, or in the 1, 2, 4 or 8 bytes after
// them for 12 to 15) and its payload; an object's payload is its keys and values in turn. No SQL.

const INT = 3;
const INT5 = 4;
const FLOAT = 5;
const FLOAT5 = 6;
const TEXT = 7;
const TEXTRAW = 10;
const OBJECT = 12;

/** One element's type and where its payload lies in `bytes`. */
function headerAt(bytes: Uint8Array, at: number): { type: number; start: number; end: number } {
  const first = bytes[at] as number;
  const sizeCode = first >> 4;
  let size = sizeCode;
  let start = at + 1;
  if (sizeCode >= 12) {
    const width = 1 << (sizeCode - 12); // 1, 2, 4 or 8 bytes, big-endian
    size = 0;
    for (let i = 0; i < width; i++) size = size * 256 + (bytes[start + i] as number);
    start += width;
  }
  const end = start + size;
  if (end > bytes.length) throw new Error('A packed histogram is cut short');
  return { type: first & 0x0f, start, end };
}

/** A whole number written in ASCII digits (a bucket key, a run count), with an optional minus sign. */
function digitsAt(bytes: Uint8Array, start: number, end: number): number {
  const negative = bytes[start] === 0x2d;
  if (end <= (negative ? start + 1 : start)) return Number.NaN;
  let value = 0;
  for (let i = negative ? start + 1 : start; i < end; i++) {
    const digit = (bytes[i] as number) - 0x30;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

function textAt(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i] as number);
  return text;
}

function numberAt(bytes: Uint8Array, type: number, start: number, end: number): number {
  if (type === INT) return digitsAt(bytes, start, end);
  // Never written by the rollups' own sums, but valid JSONB numbers: read the way JSON would.
  if (type === INT5 || type === FLOAT || type === FLOAT5) return Number(textAt(bytes, start, end));
  return Number.NaN;
}

/** Calls `visit(bucket, runs)` for each entry of a packed histogram's JSONB object. Throws on anything else. */
export function forEachPackedBucket(bytes: Uint8Array, visit: (bucket: number, runs: number) => void): void {
  const object = headerAt(bytes, 0);
  if (object.type !== OBJECT) throw new Error('A packed histogram is not a JSONB object');
  let at = object.start;
  while (at < object.end) {
    const key = headerAt(bytes, at);
    const value = headerAt(bytes, key.end);
    const bucket = key.type >= TEXT && key.type <= TEXTRAW ? digitsAt(bytes, key.start, key.end) : Number.NaN;
    const runs = numberAt(bytes, value.type, value.start, value.end);
    if (!Number.isInteger(bucket) || Number.isNaN(runs)) throw new Error('A packed histogram holds an entry that is not a bucket and its runs');
    visit(bucket, runs);
    at = value.end;
  }
}
