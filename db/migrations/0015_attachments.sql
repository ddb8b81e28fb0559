CREATE TABLE "attachment_downloads" (
	"id" text PRIMARY KEY NOT NULL,
	"attachment_id" text NOT NULL,
	"institution" text NOT NULL,
	"user_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" text PRIMARY KEY NOT NULL,
	"proposal_id" text NOT NULL,
	"task_id" text,
	"object" text NOT NULL,
	"ref" text,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"media_type" text NOT NULL,
	"filename" text NOT NULL,
	"institution" text NOT NULL,
	"user_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "attachments_object_check" CHECK ("attachments"."object" in ('propuesta', 'version', 'aporte', 'avance', 'entrega')),
	CONSTRAINT "attachments_sha256_check" CHECK ("attachments"."sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "attachment_downloads" ADD CONSTRAINT "attachment_downloads_attachment_id_attachments_id_fk" FOREIGN KEY ("attachment_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachment_downloads" ADD CONSTRAINT "attachment_downloads_institution_institutions_code_fk" FOREIGN KEY ("institution") REFERENCES "public"."institutions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_institution_institutions_code_fk" FOREIGN KEY ("institution") REFERENCES "public"."institutions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachment_downloads_attachment" ON "attachment_downloads" USING btree ("attachment_id","at");--> statement-breakpoint
CREATE INDEX "attachments_proposal" ON "attachments" USING btree ("proposal_id","at");--> statement-breakpoint
CREATE INDEX "attachments_task" ON "attachments" USING btree ("task_id","at");