-- The trigger filter for the triggers few runs have (retries, runs the system starts): in one business and across
-- businesses, a page walks these small partial indexes in created_at order instead of every run of the scope
-- (src-main/db/schema.ts RARE_TRIGGERS; the history adds the index's own WHERE term so SQLite can use them).
CREATE INDEX `job_runs_business_rare_trigger_created_idx` ON `job_runs` (`business_id`,`trigger`,`created_at`) WHERE "job_runs"."trigger" IN ('retry', 'system');--> statement-breakpoint
CREATE INDEX `job_runs_rare_trigger_created_idx` ON `job_runs` (`trigger`,`created_at`) WHERE "job_runs"."trigger" IN ('retry', 'system');