// What the app calls a person wherever it names them (who triggered or cancelled a run, an audit event's actor or
// target): their display name, else their email. One rule, in SQL, for every read that names a user.
import { eq, sql } from 'drizzle-orm';
import { type AppDatabase } from '../db/connection';
import { preparedOnce } from '../db/prepared';
import { users } from '../db/schema';

/** In a select from users: the person's name. */
export const USER_NAME = sql<string>`coalesce(${users.displayName}, ${users.email})`;

/** The name of user `userId`; null when there is none (no id, or the user is gone). */
export function userNameOf(db: AppDatabase, userId: number | null): string | null {
  if (userId === null) return null;
  const statement = preparedOnce(db, 'users.nameOf', () => db.orm.select({ name: USER_NAME }).from(users).where(eq(users.id, sql.placeholder('id'))).prepare());
  return statement.get({ id: userId })?.name ?? null;
}
