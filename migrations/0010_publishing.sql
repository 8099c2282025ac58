CREATE TABLE `inventory_skus` (
	`sku` text PRIMARY KEY NOT NULL,
	`first_seen_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reprojections` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`reason` text NOT NULL,
	`connections` text,
	`cursor` text DEFAULT '' NOT NULL,
	`skus` integer DEFAULT 0 NOT NULL,
	`requested_at` text NOT NULL,
	`done_at` text
);
--> statement-breakpoint
CREATE INDEX `reprojections_open` ON `reprojections` (`done_at`,`requested_at`);