CREATE TABLE `fulfiller_locations` (
	`location` text PRIMARY KEY NOT NULL,
	`fulfiller_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `fulfiller_locations_fulfiller` ON `fulfiller_locations` (`fulfiller_id`);--> statement-breakpoint
CREATE TABLE `fulfillers` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text,
	`locations` text NOT NULL,
	`url` text NOT NULL,
	`secret_enc` text NOT NULL,
	`ack_deadline_seconds` integer,
	`settings` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
