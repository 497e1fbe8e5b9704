// Accounts, sessions, businesses and users as they cross the IPC boundary.
import { z } from 'zod';
import { TIME_DISPLAYS, USER_ROLES } from '../domain';
import { countSchema, emailSchema, epochMsSchema, idSchema, MAX_EMAIL_LENGTH, nameSchema, passwordSchema } from './common';

export const userRoleSchema = z.enum(USER_ROLES);

/**
 * What a system admin's business switcher selects. Main checks every choice; a member or business admin
 * always works in their own business and cannot select anything.
 */
export const scopeSelectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('system') }),
  z.strictObject({ kind: z.literal('orphans') }),
  z.strictObject({ kind: z.literal('business'), businessId: idSchema }),
]);
export type ScopeSelection = z.output<typeof scopeSelectionSchema>;

export const businessSchema = z.strictObject({
  id: idSchema,
  name: z.string(),
  legacyId: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: epochMsSchema,
});
export type BusinessView = z.output<typeof businessSchema>;

export const userSchema = z.strictObject({
  id: idSchema,
  email: z.string(),
  displayName: z.string().nullable(),
  role: userRoleSchema,
  businessId: idSchema.nullable(),
  businessName: z.string().nullable(),
  disabled: z.boolean(),
  /** Locked after repeated failed sign-ins, until this time. */
  lockedUntil: epochMsSchema.nullable(),
  /** False for users adopted from the server edition until someone sets a password. */
  hasPassword: z.boolean(),
  createdAt: epochMsSchema,
  lastLoginAt: epochMsSchema.nullable(),
});
export type UserView = z.output<typeof userSchema>;

/** The most users one page of users.list holds. */
export const MAX_USERS_PAGE = 200;
/** The longest text users.list searches for. */
export const MAX_USER_SEARCH = 200;

/**
 * The users the caller may manage, by email (without case), in keyset pages. Each filter narrows; a business
 * admin's list is their own business's members and business admins whatever the filters (naming another
 * business, or users without one, is FORBIDDEN).
 */
export const listUsersInput = z.strictObject({
  filters: z
    .strictObject({
      /** A part of the email or the display name, ASCII case-insensitive; blank searches nothing. */
      search: z.string().trim().max(MAX_USER_SEARCH).optional(),
      /** The account with exactly this email, without case (the history's triggered-by filter resolves one). */
      email: z.string().trim().min(1).max(MAX_EMAIL_LENGTH).optional(),
      role: userRoleSchema.optional(),
      /** One business's users; null: users linked to no business. */
      businessId: idSchema.nullable().optional(),
    })
    .default({}),
  cursor: z.string().max(512).nullable().default(null),
  limit: z.number().int().min(1).max(MAX_USERS_PAGE).default(50),
});
export type ListUsersInput = z.output<typeof listUsersInput>;
export type UserFilters = ListUsersInput['filters'];
/** One page, the cursor of the next (null on the last), and how many users match the filters in all. */
export const userPageSchema = z.strictObject({ users: z.array(userSchema), nextCursor: z.string().nullable(), total: countSchema });
export type UserPageView = z.output<typeof userPageSchema>;

/** The signed-in user and where they are looking. */
export const sessionSchema = z.strictObject({
  user: userSchema,
  /**
   * For system admins: the switcher's selection. For everyone else: their own business, or null when their
   * account is not linked to one (every tenant channel then answers FORBIDDEN).
   */
  scope: scopeSelectionSchema.nullable(),
  /** Their business is disabled: a member or business admin may not work in it until it is enabled again. */
  businessDisabled: z.boolean(),
  /** How they see times everywhere: their computer's zone, or UTC (auth.setTimeDisplay). */
  timeDisplay: z.enum(TIME_DISPLAYS),
});

export const setTimeDisplayInput = z.strictObject({ timeDisplay: z.enum(TIME_DISPLAYS).meta({ title: 'Times' }) });
export type SessionView = z.output<typeof sessionSchema>;

export const authStatusSchema = z.strictObject({
  /** No system admin can sign in yet: the app asks to create the first one. */
  needsSetup: z.boolean(),
  session: sessionSchema.nullable(),
});

export const credentialsSchema = z.strictObject({ email: emailSchema, password: z.string().min(1).max(200) });
export const setupInputSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  displayName: nameSchema.optional(),
});

export const businessIdInput = z.strictObject({ id: idSchema });
export const createBusinessInput = z.strictObject({ name: nameSchema });
export const renameBusinessInput = z.strictObject({ id: idSchema, name: nameSchema });
export const setDisabledInput = z.strictObject({ id: idSchema, disabled: z.boolean() });

/** What deleting a business takes with it: its runs and schedules cascade; its users lose their business. */
export const businessDeletionPreviewSchema = z.strictObject({
  business: businessSchema,
  runs: countSchema,
  schedules: countSchema,
  users: countSchema,
});
/** What disabling a business locks until it is enabled again: its enabled users are refused, its enabled schedules skipped. */
export const businessDisablePreviewSchema = z.strictObject({
  business: businessSchema,
  users: countSchema,
  schedules: countSchema,
});
export const deleteBusinessInput = z.strictObject({
  id: idSchema,
  /** The business's name, typed by the operator to confirm. */
  confirmName: z.string().max(100).meta({ title: 'Confirmation' }),
  /** The run count the operator saw in the preview; the delete is refused when it no longer holds. */
  expectedRuns: countSchema,
});
export const businessDeletionSchema = z.strictObject({
  deleted: businessDeletionPreviewSchema,
  backupPath: z.string(),
});

export const createUserInput = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  role: userRoleSchema,
  businessId: idSchema.nullable(),
  displayName: nameSchema.optional(),
});
export const updateUserInput = z.strictObject({
  id: idSchema,
  displayName: nameSchema.nullable().optional(),
  role: userRoleSchema.optional(),
  businessId: idSchema.nullable().optional(),
});
export const setPasswordInput = z.strictObject({ id: idSchema, password: passwordSchema });
