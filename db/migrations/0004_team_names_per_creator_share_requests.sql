CREATE TABLE "share_requests" (
	"user_id" uuid NOT NULL,
	"request_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "share_requests_user_id_request_id_pk" PRIMARY KEY("user_id","request_id")
);
--> statement-breakpoint
DROP INDEX "teams_name_key";--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "created_by" uuid;--> statement-breakpoint
-- Hand-written: existing teams are credited to their earliest owner (names were unique installation-wide, so no clash).
UPDATE "teams" SET "created_by" = (SELECT "user_id" FROM "team_members" WHERE "team_members"."team_id" = "teams"."id" AND "team_members"."role" = 'owner' ORDER BY "team_members"."created_at", "team_members"."user_id" LIMIT 1);--> statement-breakpoint
ALTER TABLE "share_requests" ADD CONSTRAINT "share_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_requests" ADD CONSTRAINT "share_requests_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "teams_creator_name_key" ON "teams" USING btree ("created_by",lower("name"));