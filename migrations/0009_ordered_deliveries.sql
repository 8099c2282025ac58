ALTER TABLE `event_deliveries` ADD `stream` text;--> statement-breakpoint
ALTER TABLE `event_deliveries` ADD `seq` integer;--> statement-breakpoint
ALTER TABLE `event_deliveries` ADD `due_at` text;--> statement-breakpoint
CREATE INDEX `event_deliveries_stream` ON `event_deliveries` (`subscription_id`,`stream`,`state`,`seq`);--> statement-breakpoint
CREATE INDEX `event_deliveries_due` ON `event_deliveries` (`state`,`due_at`);