CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
DROP INDEX "entries_dataset_parent_idx";--> statement-breakpoint
CREATE INDEX "entries_folder_name_idx" ON "entries" USING btree ("dataset_id","parent","kind","name");--> statement-breakpoint
CREATE INDEX "entries_folder_size_idx" ON "entries" USING btree ("dataset_id","parent","kind","size","name");--> statement-breakpoint
CREATE INDEX "entries_folder_modified_idx" ON "entries" USING btree ("dataset_id","parent","kind","updated_at","name");--> statement-breakpoint
CREATE INDEX "entries_path_trgm_idx" ON "entries" USING gin ("path" gin_trgm_ops);