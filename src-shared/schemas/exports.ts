// CSV exports as they cross the IPC boundary: the file an export wrote, and that file handed to the person who made it.
import { z } from 'zod';
import { countSchema } from './common';

/** What an export wrote into the exports folder beside the database. */
export const exportedFileSchema = z.strictObject({
  /** Where the file lies on the machine that runs the app. */
  path: z.string(),
  /** The file's name in the exports folder: what exports.download asks for. */
  fileName: z.string(),
  /** Data lines, not counting the header. */
  rows: countSchema,
  bytes: countSchema,
});
export type ExportedFileView = z.output<typeof exportedFileSchema>;

/** A name the app gives its exports: `runs-…csv` or `usage-…csv`, letters, digits, `.`, `_`, `-`, no folder. */
export const exportFileNameSchema = z
  .string()
  .max(200)
  .regex(/^(runs|usage)-[A-Za-z0-9._-]+\.csv$/, 'must be the name of an export, such as runs-business-1-20260304T050607089Z.csv')
  .meta({ title: 'Export file' });

export const downloadExportInput = z.strictObject({ fileName: exportFileNameSchema });
export type DownloadExportInput = z.output<typeof downloadExportInput>;

/** The export's CSV text, for a browser download or the desktop app's save dialog. */
export const exportDownloadSchema = z.strictObject({ fileName: z.string(), content: z.string() });
export type ExportDownloadView = z.output<typeof exportDownloadSchema>;
