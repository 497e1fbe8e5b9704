-- Packed duration histograms (drizzle/0007_run_histograms.sql): job_run_daily_histograms and
-- job_run_weekly_histograms hold one row per owner, UTC day (or week = created_at / 604800000) and job type, its
-- `buckets` a JSONB object from bucket (as text) to runs, never empty (the last run of a key removes its row).
-- They replace job_run_daily_durations (one row per bucket; dropped by drizzle/0009), so a range's histograms are
-- a few rows to read instead of some forty times more.
-- job_run_daily is rebuilt WITHOUT ROWID (its primary key holds the rows: one owner's days are one covering range;
-- as a rowid table each row of the per-day series was a lookup in the table).
-- The triggers are split so each change runs only the statements it needs (a WHEN that is false costs next to
-- nothing): a run's start touches job_run_daily alone; its finish adds one bucket to each histogram.
-- Keys as in drizzle/0006_run_daily_triggers.sql: owner (business id; 0 system-wide; -1 orphans), day =
-- created_at / 86400000, "finished with a duration" = status completed or failed and duration_ms not NULL,
-- bucket = CAST(log2(max(duration_ms, 0) + 1) * 8 AS INTEGER).
DROP TRIGGER `job_run_daily_insert`;
--> statement-breakpoint
DROP TRIGGER `job_run_daily_delete`;
--> statement-breakpoint
DROP TRIGGER `job_run_daily_update`;
--> statement-breakpoint
CREATE TABLE `job_run_daily_new` (
	`owner` integer NOT NULL,
	`day` integer NOT NULL,
	`job_type` text NOT NULL,
	`status` text NOT NULL,
	`runs` integer NOT NULL,
	`dur_n` integer NOT NULL,
	`dur_sum` integer NOT NULL,
	PRIMARY KEY(`owner`, `day`, `job_type`, `status`),
	CONSTRAINT "job_run_daily_runs_positive" CHECK("job_run_daily_new"."runs" > 0)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `job_run_daily_new` (`owner`, `day`, `job_type`, `status`, `runs`, `dur_n`, `dur_sum`)
SELECT `owner`, `day`, `job_type`, `status`, `runs`, `dur_n`, `dur_sum` FROM `job_run_daily` ORDER BY 1, 2, 3, 4;
--> statement-breakpoint
DROP TABLE `job_run_daily`;
--> statement-breakpoint
ALTER TABLE `job_run_daily_new` RENAME TO `job_run_daily`;
--> statement-breakpoint
CREATE INDEX `job_run_daily_group_idx` ON `job_run_daily` (`owner`,`job_type`,`status`,`day`,`runs`,`dur_n`,`dur_sum`);
--> statement-breakpoint
CREATE INDEX `job_run_daily_day_idx` ON `job_run_daily` (`day`,`status`,`runs`);
--> statement-breakpoint
CREATE TRIGGER `job_run_daily_insert` AFTER INSERT ON `job_runs`
BEGIN
	INSERT INTO `job_run_daily` (`owner`, `day`, `job_type`, `status`, `runs`, `dur_n`, `dur_sum`)
	VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, NEW.`status`, 1, (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL), CASE WHEN (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL) THEN NEW.`duration_ms` ELSE 0 END)
	ON CONFLICT (`owner`, `day`, `job_type`, `status`) DO UPDATE SET `runs` = `runs` + 1, `dur_n` = `dur_n` + excluded.`dur_n`, `dur_sum` = `dur_sum` + excluded.`dur_sum`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_daily_delete` AFTER DELETE ON `job_runs`
BEGIN
	DELETE FROM `job_run_daily` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status` AND `runs` = 1;
	UPDATE `job_run_daily` SET `runs` = `runs` - 1, `dur_n` = `dur_n` - (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL), `dur_sum` = `dur_sum` - CASE WHEN (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) THEN OLD.`duration_ms` ELSE 0 END
	WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_daily_update` AFTER UPDATE OF `scope`, `business_id`, `job_type`, `status`, `created_at`, `duration_ms` ON `job_runs`
WHEN (CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) OR OLD.`job_type` IS NOT NEW.`job_type` OR OLD.`status` IS NOT NEW.`status` OR (OLD.`created_at` / 86400000) IS NOT (NEW.`created_at` / 86400000) OR OLD.`duration_ms` IS NOT NEW.`duration_ms`
BEGIN
	DELETE FROM `job_run_daily` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status` AND `runs` = 1;
	UPDATE `job_run_daily` SET `runs` = `runs` - 1, `dur_n` = `dur_n` - (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL), `dur_sum` = `dur_sum` - CASE WHEN (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) THEN OLD.`duration_ms` ELSE 0 END
	WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status`;
	INSERT INTO `job_run_daily` (`owner`, `day`, `job_type`, `status`, `runs`, `dur_n`, `dur_sum`)
	VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, NEW.`status`, 1, (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL), CASE WHEN (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL) THEN NEW.`duration_ms` ELSE 0 END)
	ON CONFLICT (`owner`, `day`, `job_type`, `status`) DO UPDATE SET `runs` = `runs` + 1, `dur_n` = `dur_n` + excluded.`dur_n`, `dur_sum` = `dur_sum` + excluded.`dur_sum`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_histograms_insert` AFTER INSERT ON `job_runs`
WHEN (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL)
BEGIN
	INSERT INTO `job_run_daily_histograms` (`owner`, `day`, `job_type`, `buckets`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, jsonb_object(CAST(CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) AS TEXT), 1))
	ON CONFLICT (`owner`, `day`, `job_type`) DO UPDATE SET `buckets` = jsonb_set(`buckets`, '$."' || CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"', ifnull(`buckets` ->> ('$."' || CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"'), 0) + 1);
	INSERT INTO `job_run_weekly_histograms` (`owner`, `week`, `job_type`, `buckets`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 604800000, NEW.`job_type`, jsonb_object(CAST(CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) AS TEXT), 1))
	ON CONFLICT (`owner`, `week`, `job_type`) DO UPDATE SET `buckets` = jsonb_set(`buckets`, '$."' || CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"', ifnull(`buckets` ->> ('$."' || CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"'), 0) + 1);
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_histograms_delete` AFTER DELETE ON `job_runs`
WHEN (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL)
BEGIN
	UPDATE `job_run_daily_histograms` SET `buckets` = CASE WHEN `buckets` ->> ('$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"') = 1 THEN jsonb_remove(`buckets`, '$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"')
		ELSE jsonb_set(`buckets`, '$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"', (`buckets` ->> ('$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"')) - 1) END
	WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type`;
	DELETE FROM `job_run_daily_histograms` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND json(`buckets`) = '{}';
	UPDATE `job_run_weekly_histograms` SET `buckets` = CASE WHEN `buckets` ->> ('$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"') = 1 THEN jsonb_remove(`buckets`, '$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"')
		ELSE jsonb_set(`buckets`, '$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"', (`buckets` ->> ('$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"')) - 1) END
	WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `week` = OLD.`created_at` / 604800000 AND `job_type` = OLD.`job_type`;
	DELETE FROM `job_run_weekly_histograms` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `week` = OLD.`created_at` / 604800000 AND `job_type` = OLD.`job_type` AND json(`buckets`) = '{}';
END;
--> statement-breakpoint
-- A finished run leaves its histogram keys when it stops being finished or any key changes (the week can stay
-- the same while the day changes: it then goes out and comes back in).
CREATE TRIGGER `job_run_histograms_out` AFTER UPDATE OF `scope`, `business_id`, `job_type`, `status`, `created_at`, `duration_ms` ON `job_runs`
WHEN (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) AND NOT ((NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL) AND (CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) = (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) AND OLD.`job_type` = NEW.`job_type` AND (OLD.`created_at` / 86400000) = (NEW.`created_at` / 86400000) AND CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) = CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER))
BEGIN
	UPDATE `job_run_daily_histograms` SET `buckets` = CASE WHEN `buckets` ->> ('$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"') = 1 THEN jsonb_remove(`buckets`, '$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"')
		ELSE jsonb_set(`buckets`, '$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"', (`buckets` ->> ('$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"')) - 1) END
	WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type`;
	DELETE FROM `job_run_daily_histograms` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND json(`buckets`) = '{}';
	UPDATE `job_run_weekly_histograms` SET `buckets` = CASE WHEN `buckets` ->> ('$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"') = 1 THEN jsonb_remove(`buckets`, '$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"')
		ELSE jsonb_set(`buckets`, '$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"', (`buckets` ->> ('$."' || CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"')) - 1) END
	WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `week` = OLD.`created_at` / 604800000 AND `job_type` = OLD.`job_type`;
	DELETE FROM `job_run_weekly_histograms` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `week` = OLD.`created_at` / 604800000 AND `job_type` = OLD.`job_type` AND json(`buckets`) = '{}';
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_histograms_in` AFTER UPDATE OF `scope`, `business_id`, `job_type`, `status`, `created_at`, `duration_ms` ON `job_runs`
WHEN (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL) AND NOT ((OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) AND (CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) = (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) AND OLD.`job_type` = NEW.`job_type` AND (OLD.`created_at` / 86400000) = (NEW.`created_at` / 86400000) AND CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) = CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER))
BEGIN
	INSERT INTO `job_run_daily_histograms` (`owner`, `day`, `job_type`, `buckets`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, jsonb_object(CAST(CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) AS TEXT), 1))
	ON CONFLICT (`owner`, `day`, `job_type`) DO UPDATE SET `buckets` = jsonb_set(`buckets`, '$."' || CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"', ifnull(`buckets` ->> ('$."' || CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"'), 0) + 1);
	INSERT INTO `job_run_weekly_histograms` (`owner`, `week`, `job_type`, `buckets`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 604800000, NEW.`job_type`, jsonb_object(CAST(CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) AS TEXT), 1))
	ON CONFLICT (`owner`, `week`, `job_type`) DO UPDATE SET `buckets` = jsonb_set(`buckets`, '$."' || CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"', ifnull(`buckets` ->> ('$."' || CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"'), 0) + 1);
END;
--> statement-breakpoint
INSERT INTO `job_run_daily_histograms` (`owner`, `day`, `job_type`, `buckets`)
SELECT `owner`, `day`, `job_type`, jsonb_group_object(`bucket`, `runs`) FROM (
  SELECT `owner`, `day` AS `day`, `job_type`, CAST(`bucket` AS TEXT) AS `bucket`, sum(`runs`) AS `runs`
  FROM `job_run_daily_durations` GROUP BY 1, 2, 3, 4)
GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO `job_run_weekly_histograms` (`owner`, `week`, `job_type`, `buckets`)
SELECT `owner`, `week`, `job_type`, jsonb_group_object(`bucket`, `runs`) FROM (
  SELECT `owner`, `day` / 7 AS `week`, `job_type`, CAST(`bucket` AS TEXT) AS `bucket`, sum(`runs`) AS `runs`
  FROM `job_run_daily_durations` GROUP BY 1, 2, 3, 4)
GROUP BY 1, 2, 3;
