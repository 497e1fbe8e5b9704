-- Saved views of the Automation view (saved_views) and each user's default one (user_default_views): see
-- src-main/db/schema.ts. Nothing here holds run data or widens access: a view is a name and a URL query.
CREATE TABLE `saved_views` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`owner_user_id` integer NOT NULL,
	`sharing` text NOT NULL,
	`business_id` integer,
	`query` text NOT NULL,
	`scope` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`owner_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`business_id`) REFERENCES `businesses`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "saved_views_sharing_valid" CHECK("saved_views"."sharing" IN ('personal', 'business', 'system_admins')),
	CONSTRAINT "saved_views_business_shared" CHECK(("saved_views"."sharing" = 'business') = ("saved_views"."business_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX `saved_views_owner_idx` ON `saved_views` (`owner_user_id`);--> statement-breakpoint
CREATE INDEX `saved_views_business_idx` ON `saved_views` (`business_id`) WHERE "saved_views"."business_id" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `user_default_views` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`view_id` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`view_id`) REFERENCES `saved_views`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_default_views_view_idx` ON `user_default_views` (`view_id`);