-- Runs per owner and job type (job_run_counts), kept by triggers in the same transaction as every insert,
-- delete (FK cascades included) and change of owner or job type in job_runs, whatever code path makes it.
-- owner: the business id; 0 for system-wide runs; -1 for orphans (business-scoped runs without a business).
-- A count never reaches 0: the last run of an owner and type removes its row.
CREATE TRIGGER `job_run_counts_insert` AFTER INSERT ON `job_runs`
BEGIN
	INSERT INTO `job_run_counts` (`owner`, `job_type`, `runs`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`job_type`, 1)
	ON CONFLICT (`owner`, `job_type`) DO UPDATE SET `runs` = `runs` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_counts_delete` AFTER DELETE ON `job_runs`
BEGIN
	DELETE FROM `job_run_counts` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `job_type` = OLD.`job_type` AND `runs` = 1;
	UPDATE `job_run_counts` SET `runs` = `runs` - 1 WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `job_type` = OLD.`job_type`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_counts_update` AFTER UPDATE OF `scope`, `business_id`, `job_type` ON `job_runs`
WHEN (CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) OR OLD.`job_type` IS NOT NEW.`job_type`
BEGIN
	DELETE FROM `job_run_counts` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `job_type` = OLD.`job_type` AND `runs` = 1;
	UPDATE `job_run_counts` SET `runs` = `runs` - 1 WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `job_type` = OLD.`job_type`;
	INSERT INTO `job_run_counts` (`owner`, `job_type`, `runs`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`job_type`, 1)
	ON CONFLICT (`owner`, `job_type`) DO UPDATE SET `runs` = `runs` + 1;
END;
--> statement-breakpoint
INSERT INTO `job_run_counts` (`owner`, `job_type`, `runs`)
SELECT CASE WHEN `scope` = 'system' THEN 0 ELSE ifnull(`business_id`, -1) END, `job_type`, count(*)
FROM `job_runs` GROUP BY 1, 2;
