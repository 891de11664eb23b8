DROP INDEX "teams_name_key";--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "created_by" uuid;--> statement-breakpoint
-- Hand-written: existing teams are credited to their earliest owner (names were unique installation-wide, so no clash).
UPDATE "teams" SET "created_by" = (SELECT "user_id" FROM "team_members" WHERE "team_members"."team_id" = "teams"."id" AND "team_members"."role" = 'owner' ORDER BY "team_members"."created_at", "team_members"."user_id" LIMIT 1);--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "teams_creator_name_key" ON "teams" USING btree ("created_by",lower("name"));