-- Runs not yet ended per owner, UTC day of creation, job type and status (job_run_active: pending and running),
-- kept by triggers in the same transaction as every insert, delete and change of status, owner, type or creation time
-- of such a run. It takes the place of job_run_pending (drizzle/0018_run_pending_counts.sql), which counted the pending
-- runs alone, so that the stats count a backlog of running runs from these few rows too instead of reading each of
-- them (src-main/stats/active-runs.ts). A run is counted from its creation: its claim moves it from `pending` to
-- `running`, its end (or cancellation) takes it out; its progress and heartbeats touch nothing here. owner as
-- job_run_counts (business id; 0 system-wide; -1 orphans). A row's runs never reaches 0: the last run of a key
-- removes its row. WITHOUT ROWID by hand (drizzle cannot declare it): one owner's days are one range of the primary key.
DROP TRIGGER `job_run_pending_insert`;
--> statement-breakpoint
DROP TRIGGER `job_run_pending_delete`;
--> statement-breakpoint
DROP TRIGGER `job_run_pending_out`;
--> statement-breakpoint
DROP TRIGGER `job_run_pending_in`;
--> statement-breakpoint
DROP TABLE `job_run_pending`;
--> statement-breakpoint
CREATE TABLE `job_run_active` (
	`owner` integer NOT NULL,
	`day` integer NOT NULL,
	`job_type` text NOT NULL,
	`status` text NOT NULL,
	`runs` integer NOT NULL,
	PRIMARY KEY(`owner`, `day`, `job_type`, `status`),
	CONSTRAINT "job_run_active_runs_positive" CHECK("job_run_active"."runs" > 0)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TRIGGER `job_run_active_insert` AFTER INSERT ON `job_runs`
WHEN NEW.`status` IN ('pending', 'running')
BEGIN
	INSERT INTO `job_run_active` (`owner`, `day`, `job_type`, `status`, `runs`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, NEW.`status`, 1)
	ON CONFLICT (`owner`, `day`, `job_type`, `status`) DO UPDATE SET `runs` = `runs` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_active_delete` AFTER DELETE ON `job_runs`
WHEN OLD.`status` IN ('pending', 'running')
BEGIN
	DELETE FROM `job_run_active` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status` AND `runs` = 1;
	UPDATE `job_run_active` SET `runs` = `runs` - 1 WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_active_out` AFTER UPDATE OF `scope`, `business_id`, `job_type`, `status`, `created_at` ON `job_runs`
WHEN OLD.`status` IN ('pending', 'running') AND ((CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) OR OLD.`job_type` IS NOT NEW.`job_type` OR OLD.`status` IS NOT NEW.`status` OR (OLD.`created_at` / 86400000) IS NOT (NEW.`created_at` / 86400000))
BEGIN
	DELETE FROM `job_run_active` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status` AND `runs` = 1;
	UPDATE `job_run_active` SET `runs` = `runs` - 1 WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `status` = OLD.`status`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_active_in` AFTER UPDATE OF `scope`, `business_id`, `job_type`, `status`, `created_at` ON `job_runs`
WHEN NEW.`status` IN ('pending', 'running') AND ((CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) OR OLD.`job_type` IS NOT NEW.`job_type` OR OLD.`status` IS NOT NEW.`status` OR (OLD.`created_at` / 86400000) IS NOT (NEW.`created_at` / 86400000))
BEGIN
	INSERT INTO `job_run_active` (`owner`, `day`, `job_type`, `status`, `runs`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, NEW.`status`, 1)
	ON CONFLICT (`owner`, `day`, `job_type`, `status`) DO UPDATE SET `runs` = `runs` + 1;
END;
--> statement-breakpoint
INSERT INTO `job_run_active` (`owner`, `day`, `job_type`, `status`, `runs`)
SELECT CASE WHEN job_runs.`scope` = 'system' THEN 0 ELSE ifnull(job_runs.`business_id`, -1) END, `created_at` / 86400000, `job_type`, `status`, count(*)
FROM `job_runs` WHERE `status` IN ('pending', 'running') GROUP BY 1, 2, 3, 4;
