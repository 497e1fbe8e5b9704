CREATE TABLE `job_run_daily` (
	`owner` integer NOT NULL,
	`day` integer NOT NULL,
	`job_type` text NOT NULL,
	`status` text NOT NULL,
	`runs` integer NOT NULL,
	`dur_n` integer NOT NULL,
	`dur_sum` integer NOT NULL,
	PRIMARY KEY(`owner`, `day`, `job_type`, `status`),
	CONSTRAINT "job_run_daily_runs_positive" CHECK("job_run_daily"."runs" > 0)
);
--> statement-breakpoint
CREATE INDEX `job_run_daily_group_idx` ON `job_run_daily` (`owner`,`job_type`,`status`,`day`,`runs`,`dur_n`,`dur_sum`);--> statement-breakpoint
CREATE INDEX `job_run_daily_day_idx` ON `job_run_daily` (`day`,`status`,`runs`);--> statement-breakpoint
CREATE TABLE `job_run_daily_durations` (
	`owner` integer NOT NULL,
	`day` integer NOT NULL,
	`job_type` text NOT NULL,
	`bucket` integer NOT NULL,
	`runs` integer NOT NULL,
	PRIMARY KEY(`owner`, `day`, `job_type`, `bucket`),
	CONSTRAINT "job_run_daily_durations_runs_positive" CHECK("job_run_daily_durations"."runs" > 0)
);
--> statement-breakpoint
CREATE INDEX `job_run_daily_durations_group_idx` ON `job_run_daily_durations` (`owner`,`job_type`,`bucket`,`day`,`runs`);