-- The trigger filter on every trigger, not only the rare ones: a page walks the trigger's own runs in created_at order,
-- in one business and across businesses, however few of them the scope has (a business without schedules, a file never
-- adopted, which has no adopted runs). The two partial indexes of retries and system runs (0019) give way to them.
DROP INDEX `job_runs_business_rare_trigger_created_idx`;--> statement-breakpoint
DROP INDEX `job_runs_rare_trigger_created_idx`;--> statement-breakpoint
CREATE INDEX `job_runs_business_trigger_created_idx` ON `job_runs` (`business_id`,`trigger`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_trigger_created_idx` ON `job_runs` (`trigger`,`created_at`);
