ALTER TABLE `outbound_events` ADD `stream` text;--> statement-breakpoint
ALTER TABLE `outbound_events` ADD `seq` integer;--> statement-breakpoint
CREATE INDEX `outbound_events_stream` ON `outbound_events` (`stream`,`seq`);