DROP INDEX `orders_status`;--> statement-breakpoint
CREATE INDEX `orders_exceptions` ON `orders` (`updated_at`) WHERE status = 'exception';