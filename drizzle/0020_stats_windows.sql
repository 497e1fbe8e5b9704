-- What the stats read of a window of whole UTC days that are over (src-main/db/schema.ts jobRunStatsWindows), kept
-- in the file so a new process starts with it: one row per tenant scope, window length and age (how far before the
-- first day that is not over it ends), under the day versions (job_run_day_versions) it was read at. A cache, never
-- a source of truth: no backfill, and a row whose versions differ from the file's is read again. WITHOUT ROWID by
-- hand (drizzle cannot declare it).
CREATE TABLE `job_run_stats_windows` (
	`scope` text NOT NULL,
	`days` integer NOT NULL,
	`age` integer NOT NULL,
	`first_day` integer NOT NULL,
	`versions` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`scope`, `days`, `age`)
) WITHOUT ROWID;
