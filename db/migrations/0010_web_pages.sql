CREATE TABLE "web_form_states" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"form" text NOT NULL,
	"state" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "web_form_states_created" ON "web_form_states" USING btree ("created_at");--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
-- Full-text search in Spanish with accents ignored (db/proposals.ts search): Spanish stemming after unaccent.
CREATE TEXT SEARCH CONFIGURATION mesa_es ( COPY = pg_catalog.spanish );
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION mesa_es ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
