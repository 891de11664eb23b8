CREATE TABLE "dataset_access" (
	"user_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	"rank" smallint NOT NULL,
	"direct" boolean NOT NULL,
	"via_team" boolean NOT NULL,
	"owned" boolean NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"name" text NOT NULL,
	"valid_until" timestamp with time zone,
	CONSTRAINT "dataset_access_user_id_dataset_id_pk" PRIMARY KEY("user_id","dataset_id")
);
--> statement-breakpoint
ALTER TABLE "dataset_access" ADD CONSTRAINT "dataset_access_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_access" ADD CONSTRAINT "dataset_access_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dataset_access_dataset_idx" ON "dataset_access" USING btree ("dataset_id");