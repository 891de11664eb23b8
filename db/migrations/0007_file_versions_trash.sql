CREATE TABLE "file_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dataset_id" uuid NOT NULL,
	"entry_id" uuid NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text,
	"storage_key" text NOT NULL,
	"content_type" text,
	"saved_by" uuid,
	"saved_at" timestamp with time zone NOT NULL,
	"replaced_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trashed_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"trash_id" uuid NOT NULL,
	"root" boolean DEFAULT false NOT NULL,
	"dataset_id" uuid NOT NULL,
	"path" text NOT NULL,
	"kind" "entry_kind" NOT NULL,
	"size" bigint DEFAULT 0 NOT NULL,
	"content_type" text,
	"sha256" text,
	"storage_key" text,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_by" uuid,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "entries" ADD COLUMN "updated_by" uuid;--> statement-breakpoint
ALTER TABLE "file_versions" ADD CONSTRAINT "file_versions_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_versions" ADD CONSTRAINT "file_versions_saved_by_users_id_fk" FOREIGN KEY ("saved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trashed_entries" ADD CONSTRAINT "trashed_entries_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trashed_entries" ADD CONSTRAINT "trashed_entries_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trashed_entries" ADD CONSTRAINT "trashed_entries_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trashed_entries" ADD CONSTRAINT "trashed_entries_deleted_by_users_id_fk" FOREIGN KEY ("deleted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "file_versions_entry_idx" ON "file_versions" USING btree ("entry_id","replaced_at");--> statement-breakpoint
CREATE INDEX "file_versions_dataset_idx" ON "file_versions" USING btree ("dataset_id");--> statement-breakpoint
CREATE INDEX "file_versions_replaced_idx" ON "file_versions" USING btree ("replaced_at");--> statement-breakpoint
CREATE INDEX "trashed_entries_dataset_idx" ON "trashed_entries" USING btree ("dataset_id","trash_id");--> statement-breakpoint
CREATE INDEX "trashed_entries_deleted_idx" ON "trashed_entries" USING btree ("deleted_at");--> statement-breakpoint
ALTER TABLE "entries" ADD CONSTRAINT "entries_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;