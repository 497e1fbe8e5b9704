// Saved views of the Automation view as they cross the IPC boundary (views.*): a name, what the view's URL holds, who
// it is shared with, and for a system admin the switcher's choice.
import { z } from 'zod';
import { epochMsSchema, idSchema } from './common';
import { scopeSelectionSchema } from './accounts';

export const VIEW_SHARINGS = ['personal', 'business', 'system_admins'] as const;
export type ViewSharing = (typeof VIEW_SHARINGS)[number];

/**
 * What the Automation view's URL holds and a view keeps: its range, filters, sort and the history's hidden columns
 * (src-renderer/automation/view-query.ts).
 */
export const VIEW_QUERY_KEYS = ['range', 'from', 'to', 'status', 'jobType', 'trigger', 'by', 'q', 'tag', 'sort', 'hide'] as const;

/** The most views one person keeps. */
export const MAX_VIEWS_PER_USER = 100;

const viewNameSchema = z.string().trim().min(1, 'Enter a name for the view.').max(80, 'A view’s name is at most 80 characters.').meta({ title: 'Name' });

const viewQuerySchema = z
  .string()
  .max(2000)
  .refine((query) => [...new URLSearchParams(query).keys()].every((key) => (VIEW_QUERY_KEYS as readonly string[]).includes(key)), {
    message: 'may hold only the Automation view’s range, filters and sort',
  })
  .meta({ title: 'What the view shows' });

const viewSharingSchema = z.enum(VIEW_SHARINGS).meta({ title: 'Shared with' });

export const savedViewSchema = z.strictObject({
  id: idSchema,
  name: z.string(),
  sharing: viewSharingSchema,
  /** The business a `business` view is shared with. */
  businessId: idSchema.nullable(),
  /** Who made it, as people read them (a deleted user's views go with them). */
  ownerName: z.string(),
  /** The caller made it: only they change or delete it. */
  mine: z.boolean(),
  query: z.string(),
  /** The switcher's choice it opens on: shown to system admins only (anyone else's scope is their business). */
  scope: scopeSelectionSchema.nullable(),
  createdAt: epochMsSchema,
  updatedAt: epochMsSchema,
});
export type SavedViewView = z.output<typeof savedViewSchema>;

export const viewsListSchema = z.strictObject({
  /** Those the caller may open: their own, their business's shared ones, and (system admins) the system admins'. By name. */
  views: z.array(savedViewSchema),
  /** The caller's default view, when it is one of these. */
  defaultViewId: idSchema.nullable(),
});

export const createViewInput = z.strictObject({
  name: viewNameSchema,
  sharing: viewSharingSchema.default('personal'),
  query: viewQuerySchema,
  scope: scopeSelectionSchema.nullable().default(null),
  /** Also make it the caller's default view. */
  makeDefault: z.boolean().default(false),
});

export const updateViewInput = z.strictObject({
  id: idSchema,
  name: viewNameSchema.optional(),
  sharing: viewSharingSchema.optional(),
  query: viewQuerySchema.optional(),
  scope: scopeSelectionSchema.nullable().optional(),
});

export const viewIdInput = z.strictObject({ id: idSchema });
export const setDefaultViewInput = z.strictObject({ id: idSchema.nullable() });
