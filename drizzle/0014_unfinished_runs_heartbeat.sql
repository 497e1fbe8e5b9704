-- A status for runs adopted from the server edition that had not finished there ('unfinished': the app never runs,
-- finishes or times them), and heartbeat_at, the last time the runner recorded a run alive (crash recovery ends an
-- interrupted run there). A new CHECK needs the table rebuilt: the migration runner applies this with foreign keys off
-- (src-main/db/migrations.ts), and the triggers that keep the rollups, dropped with the old table, are created again
-- as 0004, 0008, 0010 and 0013 last left them. The rollups stay right: the rows are the same.
CREATE TABLE `__new_job_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`legacy_id` text,
	`scope` text NOT NULL,
	`business_id` integer,
	`orphaned_from` text,
	`job_type` text NOT NULL,
	`status` text NOT NULL,
	`trigger` text NOT NULL,
	`triggered_by_user_id` integer,
	`triggered_by` text,
	`cancelled_by_user_id` integer,
	`retry_of_run_id` integer,
	`schedule_id` integer,
	`params` text DEFAULT '{}' NOT NULL,
	`result` text,
	`error` text,
	`progress` real,
	`progress_message` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`duration_ms` integer,
	`heartbeat_at` integer,
	FOREIGN KEY (`business_id`) REFERENCES `businesses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`triggered_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`cancelled_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`retry_of_run_id`) REFERENCES `job_runs`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`schedule_id`) REFERENCES `job_schedules`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "job_runs_scope_valid" CHECK("__new_job_runs"."scope" IN ('business', 'system')),
	CONSTRAINT "job_runs_system_has_no_business" CHECK("__new_job_runs"."scope" = 'business' OR "__new_job_runs"."business_id" IS NULL),
	CONSTRAINT "job_runs_status_valid" CHECK("__new_job_runs"."status" IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'unfinished')),
	CONSTRAINT "job_runs_trigger_valid" CHECK("__new_job_runs"."trigger" IN ('manual', 'schedule', 'retry', 'system', 'legacy')),
	CONSTRAINT "job_runs_progress_range" CHECK("__new_job_runs"."progress" IS NULL OR ("__new_job_runs"."progress" >= 0 AND "__new_job_runs"."progress" <= 1)),
	CONSTRAINT "job_runs_params_json" CHECK(json_valid("__new_job_runs"."params")),
	CONSTRAINT "job_runs_result_json" CHECK("__new_job_runs"."result" IS NULL OR json_valid("__new_job_runs"."result"))
);
--> statement-breakpoint
INSERT INTO `__new_job_runs`("id", "legacy_id", "scope", "business_id", "orphaned_from", "job_type", "status", "trigger", "triggered_by_user_id", "triggered_by", "cancelled_by_user_id", "retry_of_run_id", "schedule_id", "params", "result", "error", "progress", "progress_message", "created_at", "started_at", "finished_at", "duration_ms", "heartbeat_at") SELECT "id", "legacy_id", "scope", "business_id", "orphaned_from", "job_type", "status", "trigger", "triggered_by_user_id", "triggered_by", "cancelled_by_user_id", "retry_of_run_id", "schedule_id", "params", "result", "error", "progress", "progress_message", "created_at", "started_at", "finished_at", "duration_ms", NULL FROM `job_runs`;--> statement-breakpoint
DROP TABLE `job_runs`;--> statement-breakpoint
ALTER TABLE `__new_job_runs` RENAME TO `job_runs`;--> statement-breakpoint
CREATE INDEX `job_runs_business_created_idx` ON `job_runs` (`business_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_business_status_created_idx` ON `job_runs` (`business_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_business_type_created_idx` ON `job_runs` (`business_id`,`job_type`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_created_idx` ON `job_runs` (`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_status_created_idx` ON `job_runs` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_type_created_idx` ON `job_runs` (`job_type`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_retry_of_idx` ON `job_runs` (`retry_of_run_id`) WHERE "job_runs"."retry_of_run_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `job_runs_triggered_by_user_idx` ON `job_runs` (`triggered_by_user_id`,`created_at`) WHERE "job_runs"."triggered_by_user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `job_runs_cancelled_by_user_idx` ON `job_runs` (`cancelled_by_user_id`) WHERE "job_runs"."cancelled_by_user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `job_runs_schedule_idx` ON `job_runs` (`schedule_id`) WHERE "job_runs"."schedule_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `job_runs_legacy_id_unique` ON `job_runs` (`legacy_id`) WHERE "job_runs"."legacy_id" IS NOT NULL;--> statement-breakpoint
CREATE TRIGGER `job_run_counts_delete` AFTER DELETE ON `job_runs`
BEGIN
	DELETE FROM `job_run_counts` WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `job_type` = OLD.`job_type` AND `runs` = 1;
	UPDATE `job_run_counts` SET `runs` = `runs` - 1 WHERE `owner` = CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END AND `job_type` = OLD.`job_type`;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_counts_insert` AFTER INSERT ON `job_runs`
BEGIN
	INSERT INTO `job_run_counts` (`owner`, `job_type`, `runs`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`job_type`, 1)
	ON CONFLICT (`owner`, `job_type`) DO UPDATE SET `runs` = `runs` + 1;
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
CREATE TRIGGER `job_run_daily_delete` AFTER DELETE ON `job_runs`
WHEN OLD.`status` NOT IN ('pending', 'running')
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
--> statement-breakpoint
CREATE TRIGGER `job_run_daily_insert` AFTER INSERT ON `job_runs`
WHEN NEW.`status` NOT IN ('pending', 'running')
BEGIN
	INSERT INTO `job_run_daily` (`owner`, `day`, `job_type`, `status`, `runs`, `dur_n`, `dur_sum`)
	VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, NEW.`status`, 1, (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL), CASE WHEN (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL) THEN NEW.`duration_ms` ELSE 0 END)
	ON CONFLICT (`owner`, `day`, `job_type`, `status`) DO UPDATE SET `runs` = `runs` + 1, `dur_n` = `dur_n` + excluded.`dur_n`, `dur_sum` = `dur_sum` + excluded.`dur_sum`;
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
CREATE TRIGGER `job_run_day_versions_delete` AFTER DELETE ON `job_runs`
WHEN OLD.`created_at` < unixepoch() / 86400 * 86400000
BEGIN
	INSERT INTO `job_run_day_versions` (`day`, `version`) VALUES (OLD.`created_at` / 86400000, 1)
	ON CONFLICT (`day`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_run_day_versions_insert` AFTER INSERT ON `job_runs`
WHEN NEW.`created_at` < unixepoch() / 86400 * 86400000
BEGIN
	INSERT INTO `job_run_day_versions` (`day`, `version`) VALUES (NEW.`created_at` / 86400000, 1)
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
CREATE TRIGGER `job_run_histograms_in` AFTER UPDATE OF `scope`, `business_id`, `job_type`, `status`, `created_at`, `duration_ms` ON `job_runs`
WHEN (NEW.`status` IN ('completed', 'failed') AND NEW.`duration_ms` IS NOT NULL) AND NOT ((OLD.`status` IN ('completed', 'failed') AND OLD.`duration_ms` IS NOT NULL) AND (CASE WHEN OLD.`scope` = 'system' THEN 0 ELSE ifnull(OLD.`business_id`, -1) END) = (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END) AND OLD.`job_type` = NEW.`job_type` AND (OLD.`created_at` / 86400000) = (NEW.`created_at` / 86400000) AND CAST(log2(max(OLD.`duration_ms`, 0) + 1) * 8 AS INTEGER) = CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER))
BEGIN
	INSERT INTO `job_run_daily_histograms` (`owner`, `day`, `job_type`, `buckets`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 86400000, NEW.`job_type`, jsonb_object(CAST(CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) AS TEXT), 1))
	ON CONFLICT (`owner`, `day`, `job_type`) DO UPDATE SET `buckets` = jsonb_set(`buckets`, '$."' || CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"', ifnull(`buckets` ->> ('$."' || CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"'), 0) + 1);
	INSERT INTO `job_run_weekly_histograms` (`owner`, `week`, `job_type`, `buckets`) VALUES (CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END, NEW.`created_at` / 604800000, NEW.`job_type`, jsonb_object(CAST(CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) AS TEXT), 1))
	ON CONFLICT (`owner`, `week`, `job_type`) DO UPDATE SET `buckets` = jsonb_set(`buckets`, '$."' || CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"', ifnull(`buckets` ->> ('$."' || CAST(log2(max(NEW.`duration_ms`, 0) + 1) * 8 AS INTEGER) || '"'), 0) + 1);
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
-- Adopted runs still pending or running (an earlier version adopted them so, and its runner had not started yet)
-- are unfinished: the server edition's workers never recorded their end.
UPDATE `job_runs` SET `status` = 'unfinished' WHERE `trigger` = 'legacy' AND `status` IN ('pending', 'running');
--> statement-breakpoint
-- Files adopted by an earlier version were bent on their first start: the runner failed the adopted pending runs
-- ("unknown job type …: this app has no handler for it") and recovery failed the adopted running ones as
-- interrupted, at the time of that start. Both outcomes were the app's invention: those runs become unfinished
-- again, without the finish time, duration and error it gave them (and, for the claimed pending ones, the start
-- time of the claim). Recorded in the audit log.
INSERT INTO `audit_events` (`at`, `actor_label`, `action`, `target_type`, `details`)
SELECT CAST(unixepoch('subsec') * 1000 AS INTEGER), 'startup', 'runs.restored_unfinished', 'job_runs',
	json_object('count', count(*), 'reason', 'adopted runs that an earlier version of the app ran or failed as interrupted on open')
FROM `job_runs` WHERE `trigger` = 'legacy' AND `status` = 'failed'
	AND (`error` = 'interrupted: the app stopped while this run was in progress' OR `error` GLOB 'unknown job type * this app has no handler for it')
HAVING count(*) > 0;
--> statement-breakpoint
UPDATE `job_runs` SET `status` = 'unfinished', `finished_at` = NULL, `duration_ms` = NULL, `error` = NULL,
	`started_at` = CASE WHEN `error` GLOB 'unknown job type *' THEN NULL ELSE `started_at` END
WHERE `trigger` = 'legacy' AND `status` = 'failed'
	AND (`error` = 'interrupted: the app stopped while this run was in progress' OR `error` GLOB 'unknown job type * this app has no handler for it');
