-- Pending runs per owner, UTC day of creation and job type (job_run_pending), kept by triggers in the same
-- transaction as every insert, delete and change of status, owner, type or creation time of a pending run. A run
-- is counted from its creation until it leaves `pending`: creating a run adds 1, its claim (or cancellation) takes
-- it out, and its start, progress and end touch nothing here. The stats count a queue of any length from these few
-- rows instead of reading every pending run (src-main/stats/rollup-reads.ts). owner as job_run_counts (business id;
-- 0 system-wide; -1 orphans). A row's runs never reaches 0: the last run of a key removes its row.
-- WITHOUT ROWID by hand (drizzle cannot declare it): one owner's days are one range of the primary key.
CREATE TABLE `job_run_pending` (
	`owner` integer NOT NULL,
	`day` integer NOT NULL,
	`job_type` text NOT NULL,
	`runs` integer NOT NULL,
	PRIMARY KEY(`owner`, `day`, `job_type`),
	CONSTRAINT "job_run_pending_runs_positive" CHECK("job_run_pending"."runs" > 0)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TRIGGER `job_run_pending_insert` AFTER INSERT ON `job_runs`
WHEN NEW.`status` = 'pending'
BEGIN
	INSERT INTO `job_run_pending` (`owner`, `day`, `job_type`, `runs`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, 1)
	ON CONFLICT (`owner`, `day`, `job_type`) DO UPDATE SET `runs` = `runs` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_pending_delete` AFTER DELETE ON `job_runs`
WHEN OLD.`status` = 'pending'
BEGIN
	DELETE FROM `job_run_pending` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `runs` = 1;
	UPDATE `job_run_pending` SET `runs` = `runs` - 1 WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_pending_out` AFTER UPDATE OF `scope`, `business_id`, `job_type`, `status`, `created_at` ON `job_runs`
WHEN OLD.`status` = 'pending' AND ((CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) OR OLD.`job_type` IS NOT NEW.`job_type` OR OLD.`status` IS NOT NEW.`status` OR (OLD.`created_at` / 86400000) IS NOT (NEW.`created_at` / 86400000))
BEGIN
	DELETE FROM `job_run_pending` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type` AND `runs` = 1;
	UPDATE `job_run_pending` SET `runs` = `runs` - 1 WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `day` = OLD.`created_at` / 86400000 AND `job_type` = OLD.`job_type`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_pending_in` AFTER UPDATE OF `scope`, `business_id`, `job_type`, `status`, `created_at` ON `job_runs`
WHEN NEW.`status` = 'pending' AND ((CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) OR OLD.`job_type` IS NOT NEW.`job_type` OR OLD.`status` IS NOT NEW.`status` OR (OLD.`created_at` / 86400000) IS NOT (NEW.`created_at` / 86400000))
BEGIN
	INSERT INTO `job_run_pending` (`owner`, `day`, `job_type`, `runs`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, 1)
	ON CONFLICT (`owner`, `day`, `job_type`) DO UPDATE SET `runs` = `runs` + 1;
END;
--> statement-breakpoint
INSERT INTO `job_run_pending` (`owner`, `day`, `job_type`, `runs`)
SELECT CASE WHEN job_runs.`scope` = 'system' THEN 0 ELSE ifnull(job_runs.`business_id`, -1) END, `created_at` / 86400000, `job_type`, count(*)
FROM `job_runs` WHERE `status` = 'pending' GROUP BY 1, 2, 3;
