CREATE TABLE `job_run_counts` (
	`owner` integer NOT NULL,
	`job_type` text NOT NULL,
	`runs` integer NOT NULL,
	PRIMARY KEY(`owner`, `job_type`),
	CONSTRAINT "job_run_counts_runs_positive" CHECK("job_run_counts"."runs" > 0)
);
