ALTER TABLE "s3_uploads" ADD COLUMN "kind" text DEFAULT 's3' NOT NULL;--> statement-breakpoint
ALTER TABLE "s3_uploads" ADD COLUMN "size" bigint;--> statement-breakpoint
ALTER TABLE "s3_uploads" ADD COLUMN "batch" text;--> statement-breakpoint
ALTER TABLE "s3_uploads" ADD COLUMN "touched_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "s3_uploads" ADD COLUMN "completing_at" timestamp with time zone;