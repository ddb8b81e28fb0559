CREATE TABLE "proposal_drafts" (
	"id" text PRIMARY KEY NOT NULL,
	"content" jsonb NOT NULL,
	"status" text NOT NULL,
	"proposal_id" text,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"launched_at" timestamp with time zone,
	CONSTRAINT "proposal_drafts_status_check" CHECK ("proposal_drafts"."status" in ('borrador', 'lanzando', 'lanzado', 'descartado')),
	CONSTRAINT "proposal_drafts_launch_check" CHECK (("proposal_drafts"."status" in ('borrador', 'descartado')) = ("proposal_drafts"."proposal_id" is null))
);
--> statement-breakpoint
ALTER TABLE "proposal_drafts" ADD CONSTRAINT "proposal_drafts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_drafts" ADD CONSTRAINT "proposal_drafts_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "proposal_drafts_status" ON "proposal_drafts" USING btree ("status","updated_at");