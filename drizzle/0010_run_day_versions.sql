-- Versions of the UTC days that are over (src-main/db/schema.ts jobRunDayVersions): a write to a run created
-- before the current UTC day (by SQLite's clock, unixepoch()) adds 1 to that run's day, so what the stats keep in
-- memory of such days (src-main/services/settled-days.ts) is known to be current while the versions of its days
-- are unchanged. The runner's writes, to today's runs, cost only the WHEN. The UPDATE trigger watches the columns
-- the stats read (as job_run_daily_update does) and adds 1 to the old and the new day (twice to one day: any
-- increase will do). No backfill: a day without a row is at version 0.
CREATE TABLE `job_run_day_versions` (
	`day` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `job_run_day_versions_insert` AFTER INSERT ON `job_runs`
WHEN NEW.`created_at` < unixepoch() / 86400 * 86400000
BEGIN
	INSERT INTO `job_run_day_versions` (`day`, `version`) VALUES (NEW.`created_at` / 86400000, 1)
	ON CONFLICT (`day`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_day_versions_delete` AFTER DELETE ON `job_runs`
WHEN OLD.`created_at` < unixepoch() / 86400 * 86400000
BEGIN
	INSERT INTO `job_run_day_versions` (`day`, `version`) VALUES (OLD.`created_at` / 86400000, 1)
	ON CONFLICT (`day`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_day_versions_update` AFTER UPDATE OF `scope`, `business_id`, `job_type`, `status`, `created_at`, `duration_ms` ON `job_runs`
WHEN OLD.`created_at` < unixepoch() / 86400 * 86400000 OR NEW.`created_at` < unixepoch() / 86400 * 86400000
BEGIN
	INSERT INTO `job_run_day_versions` (`day`, `version`) VALUES (OLD.`created_at` / 86400000, 1)
	ON CONFLICT (`day`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `job_run_day_versions` (`day`, `version`) VALUES (NEW.`created_at` / 86400000, 1)
	ON CONFLICT (`day`) DO UPDATE SET `version` = `version` + 1;
END;
