CREATE TABLE "web_form_states" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"form" text NOT NULL,
	"state" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "web_form_states_created" ON "web_form_states" USING btree ("created_at");