-- Runs per owner, UTC day, job type and status (job_run_daily) and a duration histogram per owner, UTC day and
-- job type (job_run_daily_durations), kept by triggers in the same transaction as every insert, delete (FK
-- cascades included) and change of owner, job type, status, creation day or duration in job_runs.
-- owner: as job_run_counts (business id; 0 system-wide; -1 orphans). day: created_at / 86400000 (UTC day index).
-- "Finished with a duration": status completed or failed and duration_ms not NULL; only those count in dur_n,
-- dur_sum and the histogram. bucket: CAST(log2(max(duration_ms, 0) + 1) * 8 AS INTEGER).
-- A row's runs never reaches 0: the last run of a key removes its row (delete first, then decrement).
-- Progress updates touch none of the watched columns, so they never fire these triggers.
CREATE TRIGGER `job_run_daily_insert` AFTER INSERT ON `job_runs`
BEGIN
	INSERT INTO `job_run_daily` (`owner`, `day`, `job_type`, `status`, `runs`, `dur_n`, `dur_sum`)
	VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, NEW.`status`, 1, (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL), CASE WHEN (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL) THEN NEW.`duration_ms` ELSE 0 END)
	ON CONFLICT (`owner`, `day`, `job_type`, `status`) DO UPDATE SET `runs` = `runs` + 1, `dur_n` = `dur_n` + excluded.`dur_n`, `dur_sum` = `dur_sum` + excluded.`dur_sum`;
	INSERT INTO `job_run_daily_durations` (`owner`, `day`, `job_type`, `bucket`, `runs`)
	SELECT CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER), 1 WHERE (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL)
	ON CONFLICT (`owner`, `day`, `job_type`, `bucket`) DO UPDATE SET `runs` = `runs` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_daily_delete` AFTER DELETE ON `job_runs`
BEGIN
	DELETE FROM `job_run_daily` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status` AND `runs` = 1;
	UPDATE `job_run_daily` SET `runs` = `runs` - 1, `dur_n` = `dur_n` - (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL), `dur_sum` = `dur_sum` - CASE WHEN (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) THEN OLD.`duration_ms` ELSE 0 END
	WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status`;
	DELETE FROM `job_run_daily_durations` WHERE (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) AND `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `bucket` = CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) AND `runs` = 1;
	UPDATE `job_run_daily_durations` SET `runs` = `runs` - 1 WHERE (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) AND `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `bucket` = CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER);
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_daily_update` AFTER UPDATE OF `scope`, `business_id`, `job_type`, `status`, `created_at`, `duration_ms` ON `job_runs`
WHEN (CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) OR OLD.`job_type` IS NOT NEW.`job_type` OR OLD.`status` IS NOT NEW.`status` OR (OLD.`created_at` / 86400000) IS NOT (NEW.`created_at` / 86400000) OR OLD.`duration_ms` IS NOT NEW.`duration_ms`
BEGIN
	DELETE FROM `job_run_daily` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status` AND `runs` = 1;
	UPDATE `job_run_daily` SET `runs` = `runs` - 1, `dur_n` = `dur_n` - (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL), `dur_sum` = `dur_sum` - CASE WHEN (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) THEN OLD.`duration_ms` ELSE 0 END
	WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status`;
	DELETE FROM `job_run_daily_durations` WHERE (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) AND `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `bucket` = CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) AND `runs` = 1;
	UPDATE `job_run_daily_durations` SET `runs` = `runs` - 1 WHERE (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) AND `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `bucket` = CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER);
	INSERT INTO `job_run_daily` (`owner`, `day`, `job_type`, `status`, `runs`, `dur_n`, `dur_sum`)
	VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, NEW.`status`, 1, (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL), CASE WHEN (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL) THEN NEW.`duration_ms` ELSE 0 END)
	ON CONFLICT (`owner`, `day`, `job_type`, `status`) DO UPDATE SET `runs` = `runs` + 1, `dur_n` = `dur_n` + excluded.`dur_n`, `dur_sum` = `dur_sum` + excluded.`dur_sum`;
	INSERT INTO `job_run_daily_durations` (`owner`, `day`, `job_type`, `bucket`, `runs`)
	SELECT CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER), 1 WHERE (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL)
	ON CONFLICT (`owner`, `day`, `job_type`, `bucket`) DO UPDATE SET `runs` = `runs` + 1;
END;
--> statement-breakpoint
INSERT INTO `job_run_daily` (`owner`, `day`, `job_type`, `status`, `runs`, `dur_n`, `dur_sum`)
SELECT CASE WHEN `scope` = 'system' THEN 0 ELSE ifnull(`business_id`, -1) END, `created_at` / 86400000, `job_type`, `status`, count(*),
       sum(`status` IN ('completed', 'failed') AND `duration_ms` IS NOT NULL),
       sum(CASE WHEN `status` IN ('completed', 'failed') AND `duration_ms` IS NOT NULL THEN `duration_ms` ELSE 0 END)
FROM `job_runs` GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO `job_run_daily_durations` (`owner`, `day`, `job_type`, `bucket`, `runs`)
SELECT CASE WHEN `scope` = 'system' THEN 0 ELSE ifnull(`business_id`, -1) END, `created_at` / 86400000, `job_type`,
       CAST(log2(max(`duration_ms`, 0) + 1) * 8 AS INTEGER), count(*)
FROM `job_runs` WHERE `status` IN ('completed', 'failed') AND `duration_ms` IS NOT NULL GROUP BY 1, 2, 3, 4;
