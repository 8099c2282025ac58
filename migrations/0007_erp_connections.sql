CREATE TABLE `erp_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text,
	`base_url` text NOT NULL,
	`credentials_enc` text NOT NULL,
	`credential_names` text NOT NULL,
	`settings` text NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `erp_connections_one_default` ON `erp_connections` (`is_default`) WHERE "erp_connections"."is_default" = 1;