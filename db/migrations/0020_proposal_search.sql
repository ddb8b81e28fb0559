-- Trigrams: a title, summary or agreement number containing the typed letters is found by an index
-- (db/proposals.ts, search). Trusted since PostgreSQL 13: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "proposal_search" (
	"proposal_id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"number" text,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"search_all" "tsvector" NOT NULL,
	"search_public" "tsvector" NOT NULL
);
--> statement-breakpoint
DROP INDEX "proposals_search_all";--> statement-breakpoint
DROP INDEX "proposals_search_public";--> statement-breakpoint
ALTER TABLE "proposal_search" ADD CONSTRAINT "proposal_search_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- What search reads, moved out of the proposals' wide rows (db/schema.ts, proposalSearch).
INSERT INTO "proposal_search" ("proposal_id", "created_at", "number", "title", "summary", "search_all", "search_public")
  SELECT p."id", p."created_at", p."number", p."title", p."summary", d.with_inputs, d.without_inputs
  FROM "proposals" p, mesa_search_documents(p."id") d;--> statement-breakpoint
CREATE INDEX "proposal_search_all" ON "proposal_search" USING gin ("search_all");--> statement-breakpoint
CREATE INDEX "proposal_search_public" ON "proposal_search" USING gin ("search_public");--> statement-breakpoint
CREATE INDEX "proposal_search_typed" ON "proposal_search" USING gin ("number" gin_trgm_ops,"title" gin_trgm_ops,"summary" gin_trgm_ops);--> statement-breakpoint
ALTER TABLE "proposals" DROP COLUMN "search_all";--> statement-breakpoint
ALTER TABLE "proposals" DROP COLUMN "search_public";