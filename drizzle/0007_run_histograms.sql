-- WITHOUT ROWID edited in by hand (drizzle cannot declare it): the primary key holds the rows.
CREATE TABLE `job_run_daily_histograms` (
	`owner` integer NOT NULL,
	`day` integer NOT NULL,
	`job_type` text NOT NULL,
	`buckets` blob NOT NULL,
	PRIMARY KEY(`owner`, `day`, `job_type`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `job_run_weekly_histograms` (
	`owner` integer NOT NULL,
	`week` integer NOT NULL,
	`job_type` text NOT NULL,
	`buckets` blob NOT NULL,
	PRIMARY KEY(`owner`, `week`, `job_type`)
) WITHOUT ROWID;
