// The CSV exports' files: RFC 4180 records safe in a spreadsheet, written atomically into the exports folder
// (beside the database, db/paths.ts exportsFolderFor) under a name that says what they hold and when.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type TimeDisplay } from '../../src-shared/domain';
import { openNewPrivateFile, privateFolder } from '../db/private-files';
import { type ExportedFileView } from '../../src-shared/schemas/exports';

export type CsvCell = string | number | null;

/**
 * RFC 4180: CRLF line ends, a field quoted (quotes doubled) when it holds a comma, quote, CR or LF. Text
 * cells starting with = + - @ (or tab or CR) get a leading ' so a spreadsheet shows them instead of
 * evaluating them; numbers are written by the app and are never formulas. Null is an empty field.
 */
export function csvField(cell: CsvCell): string {
  if (cell === null) return '';
  let text = typeof cell === 'number' ? String(cell) : cell;
  if (typeof cell === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record: fields by csvField, CRLF at the end. */
export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/**
 * An instant as ISO 8601 in the zone the user reads times in: UTC (`…Z`), or the computer's own zone with its
 * offset at that instant (`…-05:00`); the app and its window run on the same computer, so theirs is one zone.
 */
export function isoInDisplay(ms: number, display: TimeDisplay): string {
  if (display === 'utc') return new Date(ms).toISOString();
  const offsetMinutes = -new Date(ms).getTimezoneOffset();
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A file-name timestamp: `20260304T050607089Z`. */
export function exportStamp(now: Date = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/**
 * Writes `content` as `<base>.csv` (or `<base>-2.csv`… when taken: never overwrites) into `folder`, created
 * or tightened to 0700, atomically (writeFileAtomically). Returns the file's path and name, and `rows` as given.
 */
export function writeCsvAtomically(folder: string, base: string, content: Buffer, rows: number): ExportedFileView {
  privateFolder(folder);
  const target = freePath(folder, base);
  writeFileAtomically(target, content);
  return { path: target, fileName: path.basename(target), rows, bytes: content.length };
}

/**
 * Writes `content` to `target` atomically, readable by its owner only (0600): to a temporary file in the same folder, flushed, then renamed into
 * place (replacing a file already there), so a reader never sees half a file and a failure leaves nothing behind.
 */
export function writeFileAtomically(target: string, content: Buffer): void {
  const folder = path.dirname(target);
  const temporary = path.join(folder, `.${path.basename(target)}.${process.pid}-${crypto.randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openNewPrivateFile(temporary);
    try {
      fs.writeSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** A label safe in a file name: letters, digits, `.`, `_`, `-`; anything else becomes `-`. */
export function safeLabel(label: string): string {
  const safe = label
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 64);
  return safe || 'report';
}

/** `<base>.csv`, or `<base>-2.csv`… when an export of the same millisecond is already there: never overwrite. */
function freePath(folder: string, base: string): string {
  for (let n = 1; ; n++) {
    const candidate = path.join(folder, `${base}${n === 1 ? '' : `-${n}`}.csv`);
    if (!fs.existsSync(candidate)) return candidate;
  }
}
