CREATE TABLE `master_customers` (
	`id` text PRIMARY KEY NOT NULL,
	`credit_hold` integer DEFAULT false NOT NULL,
	`price_group` text,
	`version` integer NOT NULL,
	`owner` text NOT NULL,
	`record` text NOT NULL,
	`write_id` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `master_price_lists` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text,
	`price_group` text,
	`currency` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text,
	`version` integer NOT NULL,
	`owner` text NOT NULL,
	`write_id` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `master_prices` (
	`list_id` text NOT NULL,
	`sku` text NOT NULL,
	`unit_price` text NOT NULL,
	PRIMARY KEY(`list_id`, `sku`)
);
--> statement-breakpoint
CREATE INDEX `master_prices_sku` ON `master_prices` (`sku`);--> statement-breakpoint
CREATE TABLE `master_products` (
	`sku` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`version` integer NOT NULL,
	`owner` text NOT NULL,
	`record` text NOT NULL,
	`write_id` text NOT NULL,
	`updated_at` text NOT NULL
);
