-- A run triggered as a re-run of another with its params edited (jobs.create's rerunOf) links to it, as a retry
-- links to the run it retries. A column added in place (no copy of job_runs): NULL for every run already there.
-- ON DELETE SET NULL by hand, as the code declares it (drizzle-kit leaves the action out of ADD COLUMN). The partial
-- index serves the original's "re-run as" list and a delete's look for runs that reference it.
ALTER TABLE `job_runs` ADD `rerun_of_run_id` integer REFERENCES `job_runs`(`id`) ON UPDATE no action ON DELETE set null;--> statement-breakpoint
CREATE INDEX `job_runs_rerun_of_idx` ON `job_runs` (`rerun_of_run_id`) WHERE "job_runs"."rerun_of_run_id" IS NOT NULL;
