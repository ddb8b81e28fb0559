CREATE TABLE "contacts" (
	"institution" text PRIMARY KEY NOT NULL,
	"titular_name" text NOT NULL,
	"titular_email" text NOT NULL,
	"alterno_name" text,
	"alterno_email" text,
	"webhook_url" text,
	"webhook_secret" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"institution" text NOT NULL,
	"kind" text NOT NULL,
	"proposal_id" text,
	"task_id" text,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"html" text,
	"status" text DEFAULT 'pendiente' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"message_id" text NOT NULL,
	"response" text,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "notifications" text DEFAULT 'inmediato' NOT NULL;--> statement-breakpoint
CREATE INDEX "deliveries_key" ON "deliveries" USING btree ("key");--> statement-breakpoint
CREATE INDEX "deliveries_status" ON "deliveries" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "users_institution" ON "users" USING btree ("institution_id");