-- The history's first pages by duration and by start without an index on job_runs (src-main/history/sorted-pages.ts).
-- job_run_sort_extremes holds, per sort and owner (as the rollups key it: business id; 0 system-wide; -1 orphans),
-- exactly the owner's runs with a duration whose (duration_ms, id) lies at or before the owner's bound in the sort's
-- order: `slowest` is duration_ms DESC, id DESC, `fastest` duration_ms ASC, id ASC. job_run_sort_bounds holds the
-- bound (NULL: every run of the owner with a duration) and the entries. The triggers below keep both in the same
-- transaction as every insert, delete and change of duration or owner: a run enters only when it lies at or before
-- the bound (the WHEN; most finishes write nothing), and past 512 entries the bound rises to the 256th and what lies
-- beyond goes. job_run_late_starts holds the runs that started before their creation or more than ten minutes
-- (600000 ms) after it; the others' start lies within ten minutes of created_at, which a page by start walks.
-- WITHOUT ROWID by hand (drizzle cannot declare it).
--> statement-breakpoint
CREATE TABLE `job_run_late_starts` (
	`run_id` integer PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `job_run_late_starts_started_idx` ON `job_run_late_starts` (`started_at`,`run_id`);--> statement-breakpoint
CREATE TABLE `job_run_sort_bounds` (
	`sort` text NOT NULL,
	`owner` integer NOT NULL,
	`bound_key` integer,
	`bound_id` integer,
	`entries` integer NOT NULL,
	PRIMARY KEY(`sort`, `owner`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `job_run_sort_extremes` (
	`sort` text NOT NULL,
	`owner` integer NOT NULL,
	`key` integer NOT NULL,
	`run_id` integer NOT NULL,
	PRIMARY KEY(`sort`, `owner`, `key`, `run_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `job_run_sort_extremes_key_idx` ON `job_run_sort_extremes` (`sort`,`key`,`run_id`);
--> statement-breakpoint
CREATE TRIGGER `job_run_slowest_insert` AFTER INSERT ON `job_runs`
WHEN NEW.`duration_ms` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `job_run_sort_bounds` AS b WHERE b.`sort` = 'slowest' AND b.`owner` = CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END AND (NEW.`duration_ms` < b.`bound_key` OR (NEW.`duration_ms` = b.`bound_key` AND NEW.`id` < b.`bound_id`)))
BEGIN
	INSERT INTO `job_run_sort_extremes` (`sort`, `owner`, `key`, `run_id`) VALUES ('slowest', CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`duration_ms`, NEW.`id`);
	INSERT INTO `job_run_sort_bounds` (`sort`, `owner`, `bound_key`, `bound_id`, `entries`) VALUES ('slowest', CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NULL, NULL, 1)
	ON CONFLICT (`sort`, `owner`) DO UPDATE SET `entries` = `entries` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_slowest_in` AFTER UPDATE OF `duration_ms`, `scope`, `business_id` ON `job_runs`
WHEN NEW.`duration_ms` IS NOT NULL AND (OLD.`duration_ms` IS NOT NEW.`duration_ms` OR (CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END)) AND NOT EXISTS (SELECT 1 FROM `job_run_sort_bounds` AS b WHERE b.`sort` = 'slowest' AND b.`owner` = CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END AND (NEW.`duration_ms` < b.`bound_key` OR (NEW.`duration_ms` = b.`bound_key` AND NEW.`id` < b.`bound_id`)))
BEGIN
	INSERT INTO `job_run_sort_extremes` (`sort`, `owner`, `key`, `run_id`) VALUES ('slowest', CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`duration_ms`, NEW.`id`);
	INSERT INTO `job_run_sort_bounds` (`sort`, `owner`, `bound_key`, `bound_id`, `entries`) VALUES ('slowest', CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NULL, NULL, 1)
	ON CONFLICT (`sort`, `owner`) DO UPDATE SET `entries` = `entries` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_fastest_insert` AFTER INSERT ON `job_runs`
WHEN NEW.`duration_ms` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `job_run_sort_bounds` AS b WHERE b.`sort` = 'fastest' AND b.`owner` = CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END AND (NEW.`duration_ms` > b.`bound_key` OR (NEW.`duration_ms` = b.`bound_key` AND NEW.`id` > b.`bound_id`)))
BEGIN
	INSERT INTO `job_run_sort_extremes` (`sort`, `owner`, `key`, `run_id`) VALUES ('fastest', CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`duration_ms`, NEW.`id`);
	INSERT INTO `job_run_sort_bounds` (`sort`, `owner`, `bound_key`, `bound_id`, `entries`) VALUES ('fastest', CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NULL, NULL, 1)
	ON CONFLICT (`sort`, `owner`) DO UPDATE SET `entries` = `entries` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_fastest_in` AFTER UPDATE OF `duration_ms`, `scope`, `business_id` ON `job_runs`
WHEN NEW.`duration_ms` IS NOT NULL AND (OLD.`duration_ms` IS NOT NEW.`duration_ms` OR (CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END)) AND NOT EXISTS (SELECT 1 FROM `job_run_sort_bounds` AS b WHERE b.`sort` = 'fastest' AND b.`owner` = CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END AND (NEW.`duration_ms` > b.`bound_key` OR (NEW.`duration_ms` = b.`bound_key` AND NEW.`id` > b.`bound_id`)))
BEGIN
	INSERT INTO `job_run_sort_extremes` (`sort`, `owner`, `key`, `run_id`) VALUES ('fastest', CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`duration_ms`, NEW.`id`);
	INSERT INTO `job_run_sort_bounds` (`sort`, `owner`, `bound_key`, `bound_id`, `entries`) VALUES ('fastest', CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NULL, NULL, 1)
	ON CONFLICT (`sort`, `owner`) DO UPDATE SET `entries` = `entries` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_sort_out` AFTER UPDATE OF `duration_ms`, `scope`, `business_id` ON `job_runs`
WHEN OLD.`duration_ms` IS NOT NULL AND (OLD.`duration_ms` IS NOT NEW.`duration_ms` OR (CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) IS NOT (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END))
BEGIN
	UPDATE `job_run_sort_bounds` SET `entries` = `entries` - 1 WHERE `sort` IN ('slowest', 'fastest') AND `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END
	AND EXISTS (SELECT 1 FROM `job_run_sort_extremes` AS e WHERE e.`sort` = `job_run_sort_bounds`.`sort` AND e.`owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND e.`key` = OLD.`duration_ms` AND e.`run_id` = OLD.`id`);
	DELETE FROM `job_run_sort_extremes` WHERE `sort` IN ('slowest', 'fastest') AND `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `key` = OLD.`duration_ms` AND `run_id` = OLD.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_sort_delete` AFTER DELETE ON `job_runs`
WHEN OLD.`duration_ms` IS NOT NULL
BEGIN
	UPDATE `job_run_sort_bounds` SET `entries` = `entries` - 1 WHERE `sort` IN ('slowest', 'fastest') AND `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END
	AND EXISTS (SELECT 1 FROM `job_run_sort_extremes` AS e WHERE e.`sort` = `job_run_sort_bounds`.`sort` AND e.`owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND e.`key` = OLD.`duration_ms` AND e.`run_id` = OLD.`id`);
	DELETE FROM `job_run_sort_extremes` WHERE `sort` IN ('slowest', 'fastest') AND `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `key` = OLD.`duration_ms` AND `run_id` = OLD.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_sort_trim_slowest` AFTER UPDATE OF `entries` ON `job_run_sort_bounds`
WHEN NEW.`sort` = 'slowest' AND NEW.`entries` > 512
BEGIN
	UPDATE `job_run_sort_bounds` SET (`bound_key`, `bound_id`) = (SELECT `key`, `run_id` FROM `job_run_sort_extremes` WHERE `sort` = 'slowest' AND `owner` = NEW.`owner` ORDER BY `key` DESC, `run_id` DESC LIMIT 1 OFFSET 255), `entries` = 256
	WHERE `sort` = 'slowest' AND `owner` = NEW.`owner`;
	DELETE FROM `job_run_sort_extremes` WHERE `sort` = 'slowest' AND `owner` = NEW.`owner`
	AND (`key`, `run_id`) < (SELECT `bound_key`, `bound_id` FROM `job_run_sort_bounds` WHERE `sort` = 'slowest' AND `owner` = NEW.`owner`);
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_sort_trim_fastest` AFTER UPDATE OF `entries` ON `job_run_sort_bounds`
WHEN NEW.`sort` = 'fastest' AND NEW.`entries` > 512
BEGIN
	UPDATE `job_run_sort_bounds` SET (`bound_key`, `bound_id`) = (SELECT `key`, `run_id` FROM `job_run_sort_extremes` WHERE `sort` = 'fastest' AND `owner` = NEW.`owner` ORDER BY `key` ASC, `run_id` ASC LIMIT 1 OFFSET 255), `entries` = 256
	WHERE `sort` = 'fastest' AND `owner` = NEW.`owner`;
	DELETE FROM `job_run_sort_extremes` WHERE `sort` = 'fastest' AND `owner` = NEW.`owner`
	AND (`key`, `run_id`) > (SELECT `bound_key`, `bound_id` FROM `job_run_sort_bounds` WHERE `sort` = 'fastest' AND `owner` = NEW.`owner`);
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_late_start_insert` AFTER INSERT ON `job_runs`
WHEN NEW.`started_at` IS NOT NULL AND (NEW.`started_at` < NEW.`created_at` OR NEW.`started_at` > NEW.`created_at` + 600000)
BEGIN
	INSERT OR REPLACE INTO `job_run_late_starts` (`run_id`, `started_at`) VALUES (NEW.`id`, NEW.`started_at`);
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_late_start_in` AFTER UPDATE OF `started_at`, `created_at` ON `job_runs`
WHEN NEW.`started_at` IS NOT NULL AND (NEW.`started_at` < NEW.`created_at` OR NEW.`started_at` > NEW.`created_at` + 600000) AND (OLD.`started_at` IS NOT NEW.`started_at` OR OLD.`created_at` IS NOT NEW.`created_at`)
BEGIN
	INSERT OR REPLACE INTO `job_run_late_starts` (`run_id`, `started_at`) VALUES (NEW.`id`, NEW.`started_at`);
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_late_start_out` AFTER UPDATE OF `started_at`, `created_at` ON `job_runs`
WHEN OLD.`started_at` IS NOT NULL AND (OLD.`started_at` < OLD.`created_at` OR OLD.`started_at` > OLD.`created_at` + 600000) AND NOT (NEW.`started_at` IS NOT NULL AND (NEW.`started_at` < NEW.`created_at` OR NEW.`started_at` > NEW.`created_at` + 600000))
BEGIN
	DELETE FROM `job_run_late_starts` WHERE `run_id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_late_start_delete` AFTER DELETE ON `job_runs`
WHEN OLD.`started_at` IS NOT NULL AND (OLD.`started_at` < OLD.`created_at` OR OLD.`started_at` > OLD.`created_at` + 600000)
BEGIN
	DELETE FROM `job_run_late_starts` WHERE `run_id` = OLD.`id`;
END;
--> statement-breakpoint
-- The runs already here, if any: the work after open fills the tables on a worker (fillSortTablesSql in
-- src-main/db/sort-tables.ts); until then the history sorts the runs as before.
INSERT INTO app_meta (key, value, updated_at)
SELECT 'sort_tables_unfilled', 'true', CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE EXISTS (SELECT 1 FROM job_runs);
