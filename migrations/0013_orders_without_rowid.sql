-- The orders projection's two tables rebuilt WITHOUT ROWID (drizzle's schema cannot declare it):
-- the primary key is the row itself, so an insert no longer writes a separate key index, one
-- row fewer per order and per order line written (D1 bills index rows). Same columns, same
-- indexes, every row copied.
CREATE TABLE `orders_lean` (
	`id` text PRIMARY KEY NOT NULL,
	`orchestration_id` text NOT NULL,
	`channel` text NOT NULL,
	`external_id` text NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`source` text NOT NULL,
	`customer_id` text NOT NULL,
	`currency` text NOT NULL,
	`payload` text NOT NULL,
	`erp_order_id` text,
	`exception_reason` text,
	`exception_detail` text,
	`dispatch_state` text NOT NULL,
	`dispatch_version` integer NOT NULL,
	`enqueued_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `orders_lean` (`id`, `orchestration_id`, `channel`, `external_id`, `version`, `status`, `source`, `customer_id`, `currency`, `payload`, `erp_order_id`, `exception_reason`, `exception_detail`, `dispatch_state`, `dispatch_version`, `enqueued_at`, `created_at`, `updated_at`)
SELECT `id`, `orchestration_id`, `channel`, `external_id`, `version`, `status`, `source`, `customer_id`, `currency`, `payload`, `erp_order_id`, `exception_reason`, `exception_detail`, `dispatch_state`, `dispatch_version`, `enqueued_at`, `created_at`, `updated_at` FROM `orders`;
--> statement-breakpoint
DROP TABLE `orders`;
--> statement-breakpoint
ALTER TABLE `orders_lean` RENAME TO `orders`;
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_channel_external` ON `orders` (`channel`,`external_id`);
--> statement-breakpoint
CREATE INDEX `orders_dispatch` ON `orders` (`dispatch_state`,`enqueued_at`);
--> statement-breakpoint
CREATE INDEX `orders_status` ON `orders` (`status`);
--> statement-breakpoint
CREATE TABLE `order_lines_lean` (
	`order_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`sku` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price` text,
	`reserved` integer NOT NULL,
	`backordered` integer NOT NULL,
	`shipped` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`order_id`, `line_no`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `order_lines_lean` (`order_id`, `line_no`, `sku`, `quantity`, `unit_price`, `reserved`, `backordered`, `shipped`)
SELECT `order_id`, `line_no`, `sku`, `quantity`, `unit_price`, `reserved`, `backordered`, `shipped` FROM `order_lines`;
--> statement-breakpoint
DROP TABLE `order_lines`;
--> statement-breakpoint
ALTER TABLE `order_lines_lean` RENAME TO `order_lines`;
