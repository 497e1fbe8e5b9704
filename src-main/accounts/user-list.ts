// The users list (users.list): who the caller may manage, searched and filtered, in keyset pages by email
// without case (then id), with how many match in all. Who may see whom is src-main/access/policy.ts
// (userListReach); this module turns it and the filters into SQL.
import { and, count, eq, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { MAX_USERS_PAGE, type ListUsersInput, type UserFilters, type UserPageView } from '../../src-shared/schemas/accounts';
import { MAX_EMAIL_LENGTH } from '../../src-shared/schemas/common';
import { userListReach, type Actor, type UserListReach } from '../access/policy';
import type { AppDatabase } from '../db/connection';
import { users } from '../db/schema';
import { containsText } from '../services/like';
import { isPositiveId, positionCursor, requirePageSize } from '../services/page-cursor';
import { selectUsersWithBusiness, toUserView, userEmailKey } from './accounts';

/** System admins: every user. Business admins: their own business's members and business admins. */
export function listUsers(db: AppDatabase, actor: Actor, input: ListUsersInput): UserPageView {
  const reach = userListReach(actor, input.filters.businessId);
  const size = requirePageSize(input.limit, MAX_USERS_PAGE);
  const matching = and(reachCondition(reach), ...filterConditions(input.filters));
  const after = input.cursor === null ? undefined : afterPosition(cursor.decode(input.cursor));
  const rows = selectUsersWithBusiness(db, and(matching, after), size + 1);
  const page = rows.slice(0, size);
  const last = page[page.length - 1]?.user;
  const total = db.orm.select({ n: count() }).from(users).where(matching).get()?.n ?? 0;
  return {
    users: page.map(toUserView),
    nextCursor: rows.length > size && last ? cursor.encode({ email: last.email, id: last.id }) : null,
    total,
  };
}

function reachCondition(reach: UserListReach): SQL | undefined {
  if (reach.kind === 'any') return undefined;
  return and(eq(users.businessId, reach.businessId), ne(users.role, 'system_admin'));
}

/** Each filter narrows what the reach allows. */
function filterConditions(filters: UserFilters): SQL[] {
  const conditions: SQL[] = [];
  const search = filters.search?.trim();
  if (search) conditions.push(or(containsText(users.email, search), containsText(users.displayName, search)) as SQL);
  if (filters.email !== undefined) conditions.push(sql`${userEmailKey} = ${filters.email.trim()}`);
  if (filters.role !== undefined) conditions.push(eq(users.role, filters.role));
  if (filters.businessId === null) conditions.push(isNull(users.businessId));
  else if (filters.businessId !== undefined) conditions.push(eq(users.businessId, filters.businessId));
  return conditions;
}

// ---- Keyset cursor over (email without case, id) ------------------------------------------------------

interface UserPosition {
  email: string;
  id: number;
}

/** Opaque to the renderer: `{v, kind: 'users', email, id}` of the last user of the page. */
const cursor = positionCursor<UserPosition>('users', 'Cursor is not a page of the users list; start again from the first page.', ({ email, id }) =>
  typeof email === 'string' && email.length <= MAX_EMAIL_LENGTH && isPositiveId(id) ? { email, id } : null,
);

/** The users after a position; `key >= k AND (key > k OR id > i)` so `key >= k` is a range of the email index. */
function afterPosition({ email, id }: UserPosition): SQL {
  return sql`(${userEmailKey} >= ${email} AND (${userEmailKey} > ${email} OR ${users.id} > ${id}))`;
}
