DROP INDEX `audit_events_target_idx`;--> statement-breakpoint
CREATE INDEX `audit_events_actor_at_idx` ON `audit_events` (`actor_user_id`,`at`) WHERE "audit_events"."actor_user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `audit_events_target_at_idx` ON `audit_events` (`target_type`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_one_target_at_idx` ON `audit_events` (`target_type`,`target_id`,`at`);