-- job_run_daily counts ended runs only (completed, failed, cancelled): a run enters it once, when it ends (or
-- when it is written already ended, as adoption and imports do), instead of at its creation, again at its start and
-- again at its end. A run's creation and start now leave the rollup alone and its end adds one row's counts, so
-- the daily triggers run one statement per run's lifecycle where they ran seven. The stats read the few pending
-- and running runs from job_runs (the status indexes), src-main/services/run-daily.ts.
-- The UPDATE trigger splits in two, as the histograms' do: `out` takes an ended run's old key out, `in` puts an
-- ended run's new key in, each only when something it keys or counts changed.
DROP TRIGGER `job_run_daily_insert`;
--> statement-breakpoint
DROP TRIGGER `job_run_daily_delete`;
--> statement-breakpoint
DROP TRIGGER `job_run_daily_update`;
--> statement-breakpoint
DELETE FROM `job_run_daily` WHERE `status` IN ('pending', 'running');
--> statement-breakpoint
CREATE TRIGGER `job_run_daily_insert` AFTER INSERT ON `job_runs`
WHEN NEW.`status` NOT IN ('pending', 'running')
BEGIN
	INSERT INTO `job_run_daily` (`owner`, `day`, `job_type`, `status`, `runs`, `dur_n`, `dur_sum`)
	VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, NEW.`status`, 1, (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL), CASE WHEN (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL) THEN NEW.`duration_ms` ELSE 0 END)
	ON CONFLICT (`owner`, `day`, `job_type`, `status`) DO UPDATE SET `runs` = `runs` + 1, `dur_n` = `dur_n` + excluded.`dur_n`, `dur_sum` = `dur_sum` + excluded.`dur_sum`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_daily_delete` AFTER DELETE ON `job_runs`
WHEN OLD.`status` NOT IN ('pending', 'running')
BEGIN
	DELETE FROM `job_run_daily` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status` AND `runs` = 1;
	UPDATE `job_run_daily` SET `runs` = `runs` - 1, `dur_n` = `dur_n` - (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL), `dur_sum` = `dur_sum` - CASE WHEN (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) THEN OLD.`duration_ms` ELSE 0 END
	WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_daily_out` AFTER UPDATE OF `scope`, `business_id`, `job_type`, `status`, `created_at`, `duration_ms` ON `job_runs`
WHEN OLD.`status` NOT IN ('pending', 'running') AND ((CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) OR OLD.`job_type` IS NOT NEW.`job_type` OR OLD.`status` IS NOT NEW.`status` OR (OLD.`created_at` / 86400000) IS NOT (NEW.`created_at` / 86400000) OR OLD.`duration_ms` IS NOT NEW.`duration_ms`)
BEGIN
	DELETE FROM `job_run_daily` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status` AND `runs` = 1;
	UPDATE `job_run_daily` SET `runs` = `runs` - 1, `dur_n` = `dur_n` - (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL), `dur_sum` = `dur_sum` - CASE WHEN (OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) THEN OLD.`duration_ms` ELSE 0 END
	WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_daily_in` AFTER UPDATE OF `scope`, `business_id`, `job_type`, `status`, `created_at`, `duration_ms` ON `job_runs`
WHEN NEW.`status` NOT IN ('pending', 'running') AND ((CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) OR OLD.`job_type` IS NOT NEW.`job_type` OR OLD.`status` IS NOT NEW.`status` OR (OLD.`created_at` / 86400000) IS NOT (NEW.`created_at` / 86400000) OR OLD.`duration_ms` IS NOT NEW.`duration_ms`)
BEGIN
	INSERT INTO `job_run_daily` (`owner`, `day`, `job_type`, `status`, `runs`, `dur_n`, `dur_sum`)
	VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, NEW.`status`, 1, (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL), CASE WHEN (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL) THEN NEW.`duration_ms` ELSE 0 END)
	ON CONFLICT (`owner`, `day`, `job_type`, `status`) DO UPDATE SET `runs` = `runs` + 1, `dur_n` = `dur_n` + excluded.`dur_n`, `dur_sum` = `dur_sum` + excluded.`dur_sum`;
END;
