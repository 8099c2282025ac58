CREATE TABLE `availability_projections` (
	`channel` text NOT NULL,
	`sku` text NOT NULL,
	`available` integer NOT NULL,
	`as_of` text NOT NULL,
	`source_at` text,
	`written_at` text NOT NULL,
	`lag_ms` integer,
	PRIMARY KEY(`channel`, `sku`)
);
--> statement-breakpoint
CREATE INDEX `availability_projections_written` ON `availability_projections` (`written_at`);--> statement-breakpoint
CREATE TABLE `outbound_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`occurred_at` text NOT NULL,
	`orchestration_id` text,
	`data` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`delivered_at` text
);
--> statement-breakpoint
CREATE INDEX `outbound_events_state` ON `outbound_events` (`state`,`created_at`);--> statement-breakpoint
CREATE INDEX `outbound_events_type` ON `outbound_events` (`type`,`occurred_at`);