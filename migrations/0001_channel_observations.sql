CREATE TABLE `channel_observations` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`connection_id` text NOT NULL,
	`sku` text,
	`external_item_id` text NOT NULL,
	`location` text,
	`available` integer,
	`observed_at` text NOT NULL,
	`delivery_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `channel_observations_item` ON `channel_observations` (`channel`,`external_item_id`,`observed_at`);