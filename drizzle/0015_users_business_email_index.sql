DROP INDEX `users_business_idx`;--> statement-breakpoint
CREATE INDEX `users_business_email_idx` ON `users` (`business_id`,"email" COLLATE NOCASE);