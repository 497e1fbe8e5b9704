-- Two filters of the all-business history walked job_runs_created_idx and filtered (or sorted the user's runs):
-- a job type across businesses gets its own (job_type, created_at) index, and the triggered-by index gains
-- created_at, so both page in keyset order without a sort (test/services/query-plans.test.ts).
DROP INDEX `job_runs_triggered_by_user_idx`;--> statement-breakpoint
CREATE INDEX `job_runs_type_created_idx` ON `job_runs` (`job_type`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_triggered_by_user_idx` ON `job_runs` (`triggered_by_user_id`,`created_at`) WHERE "job_runs"."triggered_by_user_id" IS NOT NULL;