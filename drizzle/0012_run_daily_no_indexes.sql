-- job_run_daily keeps only its primary key (owner, day, job_type, status). Its two covering indexes held the
-- counts (runs, dur_n, dur_sum), so every run's start and finish moved an entry in each: about a quarter of the
-- runner's statement time and two of the ~13 pages a commit wrote. Reads now take a range of the primary key per
-- owner (src-main/services/run-daily.ts), and the stats keep what they read of past days in memory.
DROP INDEX `job_run_daily_group_idx`;--> statement-breakpoint
DROP INDEX `job_run_daily_day_idx`;