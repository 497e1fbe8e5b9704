// Matching what a person typed with LIKE: their text, never a pattern. LIKE compares ASCII letters without case.
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** `\` escapes LIKE's wildcards, so a search for `50%_off` means exactly those characters. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** The column holds `text` somewhere in it. */
export function containsText(column: SQLWrapper, text: string): SQL {
  return sql`${column} LIKE ${`%${escapeLike(text)}%`} ESCAPE '\\'`;
}

/** The column starts with `text`. */
export function startsWithText(column: SQLWrapper, text: string): SQL {
  return sql`${column} LIKE ${`${escapeLike(text)}%`} ESCAPE '\\'`;
}
