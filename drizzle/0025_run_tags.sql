-- Tags on runs (src-shared/tags.ts): job_runs.tags holds a run's tags as a JSON object by key (NULL for none), set
-- at creation and never changed; job_schedules.tags the tags a schedule's runs get. job_run_tags holds one row per run
-- and tag, for the history's tag filter (src-main/history/tag-pages.ts): its primary key walks one owner's runs with
-- a tag in created_at order and holds each owner's rows in one range, job_run_tags_all_idx walks every owner's. owner
-- as job_run_counts (business id; 0 system-wide; -1 orphans). The triggers below keep it in the same transaction as
-- every insert, delete and change of owner, creation time or tags of a tagged run; a run without tags costs them
-- nothing but their WHEN. The bulk paths that drop the triggers move the rows by owner themselves
-- (src-main/db/run-tags.ts). WITHOUT ROWID by hand (drizzle cannot declare it).
CREATE TABLE `job_run_tags` (
	`key` text NOT NULL,
	`value` text NOT NULL,
	`owner` integer NOT NULL,
	`created_at` integer NOT NULL,
	`run_id` integer NOT NULL,
	PRIMARY KEY(`owner`, `key`, `value`, `created_at`, `run_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `job_run_tags_all_idx` ON `job_run_tags` (`key`,`value`,`created_at`,`run_id`);--> statement-breakpoint
ALTER TABLE `job_runs` ADD `tags` text;--> statement-breakpoint
ALTER TABLE `job_schedules` ADD `tags` text;--> statement-breakpoint
CREATE TRIGGER `job_run_tags_insert` AFTER INSERT ON `job_runs`
WHEN NEW.`tags` IS NOT NULL
BEGIN
	INSERT INTO `job_run_tags` (`owner`, `key`, `value`, `created_at`, `run_id`) SELECT CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, j.`key`, j.`value`, NEW.`created_at`, NEW.`id` FROM json_each(NEW.`tags`) AS j;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_tags_delete` AFTER DELETE ON `job_runs`
WHEN OLD.`tags` IS NOT NULL
BEGIN
	DELETE FROM `job_run_tags` WHERE (`owner`, `key`, `value`, `created_at`, `run_id`) IN (SELECT CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END, j.`key`, j.`value`, OLD.`created_at`, OLD.`id` FROM json_each(OLD.`tags`) AS j);
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_tags_update` AFTER UPDATE OF `scope`, `business_id`, `created_at`, `tags` ON `job_runs`
WHEN (OLD.`tags` IS NOT NULL OR NEW.`tags` IS NOT NULL) AND ((CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) OR OLD.`created_at` IS NOT NEW.`created_at` OR OLD.`tags` IS NOT NEW.`tags`)
BEGIN
	DELETE FROM `job_run_tags` WHERE (`owner`, `key`, `value`, `created_at`, `run_id`) IN (SELECT CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END, j.`key`, j.`value`, OLD.`created_at`, OLD.`id` FROM json_each(OLD.`tags`) AS j);
	INSERT INTO `job_run_tags` (`owner`, `key`, `value`, `created_at`, `run_id`) SELECT CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, j.`key`, j.`value`, NEW.`created_at`, NEW.`id` FROM json_each(NEW.`tags`) AS j;
END;
