CREATE TABLE `app_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_user_id` integer,
	`actor_label` text NOT NULL,
	`actor_role` text,
	`actor_business_id` integer,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`business_id` integer,
	`details` text DEFAULT '{}' NOT NULL,
	CONSTRAINT "audit_events_details_json" CHECK(json_valid("audit_events"."details"))
);
--> statement-breakpoint
CREATE INDEX `audit_events_at_idx` ON `audit_events` (`at`);--> statement-breakpoint
CREATE INDEX `audit_events_business_at_idx` ON `audit_events` (`business_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_action_at_idx` ON `audit_events` (`action`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_target_idx` ON `audit_events` (`target_type`,`target_id`);--> statement-breakpoint
CREATE TABLE `businesses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`legacy_id` text,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`disabled_at` integer,
	CONSTRAINT "businesses_name_not_blank" CHECK(length(trim("businesses"."name")) > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `businesses_name_unique` ON `businesses` ("name" COLLATE NOCASE);--> statement-breakpoint
CREATE UNIQUE INDEX `businesses_legacy_id_unique` ON `businesses` (`legacy_id`) WHERE "businesses"."legacy_id" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `job_runs` (
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
	FOREIGN KEY (`business_id`) REFERENCES `businesses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`triggered_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`cancelled_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`retry_of_run_id`) REFERENCES `job_runs`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`schedule_id`) REFERENCES `job_schedules`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "job_runs_scope_valid" CHECK("job_runs"."scope" IN ('business', 'system')),
	CONSTRAINT "job_runs_system_has_no_business" CHECK("job_runs"."scope" = 'business' OR "job_runs"."business_id" IS NULL),
	CONSTRAINT "job_runs_status_valid" CHECK("job_runs"."status" IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
	CONSTRAINT "job_runs_trigger_valid" CHECK("job_runs"."trigger" IN ('manual', 'schedule', 'retry', 'system', 'legacy')),
	CONSTRAINT "job_runs_progress_range" CHECK("job_runs"."progress" IS NULL OR ("job_runs"."progress" >= 0 AND "job_runs"."progress" <= 1)),
	CONSTRAINT "job_runs_params_json" CHECK(json_valid("job_runs"."params")),
	CONSTRAINT "job_runs_result_json" CHECK("job_runs"."result" IS NULL OR json_valid("job_runs"."result"))
);
--> statement-breakpoint
CREATE INDEX `job_runs_business_created_idx` ON `job_runs` (`business_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_business_status_created_idx` ON `job_runs` (`business_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_business_type_created_idx` ON `job_runs` (`business_id`,`job_type`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_created_idx` ON `job_runs` (`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_status_created_idx` ON `job_runs` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_runs_retry_of_idx` ON `job_runs` (`retry_of_run_id`) WHERE "job_runs"."retry_of_run_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `job_runs_triggered_by_user_idx` ON `job_runs` (`triggered_by_user_id`) WHERE "job_runs"."triggered_by_user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `job_runs_cancelled_by_user_idx` ON `job_runs` (`cancelled_by_user_id`) WHERE "job_runs"."cancelled_by_user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `job_runs_schedule_idx` ON `job_runs` (`schedule_id`) WHERE "job_runs"."schedule_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `job_runs_legacy_id_unique` ON `job_runs` (`legacy_id`) WHERE "job_runs"."legacy_id" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `job_schedules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`scope` text NOT NULL,
	`business_id` integer,
	`name` text NOT NULL,
	`job_type` text NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`cron` text NOT NULL,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`missed_run_policy` text DEFAULT 'skip' NOT NULL,
	`next_run_at` integer,
	`last_run_at` integer,
	`created_by_user_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`business_id`) REFERENCES `businesses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "job_schedules_scope_valid" CHECK("job_schedules"."scope" IN ('business', 'system')),
	CONSTRAINT "job_schedules_scope_business" CHECK(("job_schedules"."scope" = 'system' AND "job_schedules"."business_id" IS NULL) OR ("job_schedules"."scope" = 'business' AND "job_schedules"."business_id" IS NOT NULL)),
	CONSTRAINT "job_schedules_missed_policy_valid" CHECK("job_schedules"."missed_run_policy" IN ('skip', 'run_once')),
	CONSTRAINT "job_schedules_params_json" CHECK(json_valid("job_schedules"."params"))
);
--> statement-breakpoint
CREATE INDEX `job_schedules_business_idx` ON `job_schedules` (`business_id`);--> statement-breakpoint
CREATE INDEX `job_schedules_due_idx` ON `job_schedules` (`enabled`,`next_run_at`);--> statement-breakpoint
CREATE INDEX `job_schedules_created_by_idx` ON `job_schedules` (`created_by_user_id`) WHERE "job_schedules"."created_by_user_id" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`legacy_id` text,
	`email` text NOT NULL,
	`display_name` text,
	`role` text NOT NULL,
	`business_id` integer,
	`created_at` integer NOT NULL,
	`disabled_at` integer,
	FOREIGN KEY (`business_id`) REFERENCES `businesses`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "users_role_valid" CHECK("users"."role" IN ('system_admin', 'business_admin', 'member'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` ("email" COLLATE NOCASE);--> statement-breakpoint
CREATE UNIQUE INDEX `users_legacy_id_unique` ON `users` (`legacy_id`) WHERE "users"."legacy_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `users_business_idx` ON `users` (`business_id`);