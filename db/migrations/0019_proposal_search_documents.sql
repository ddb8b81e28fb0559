ALTER TABLE "proposals" ADD COLUMN "search_all" "tsvector";--> statement-breakpoint
ALTER TABLE "proposals" ADD COLUMN "search_public" "tsvector";--> statement-breakpoint
CREATE INDEX "proposals_search_all" ON "proposals" USING gin ("search_all");--> statement-breakpoint
CREATE INDEX "proposals_search_public" ON "proposals" USING gin ("search_public");--> statement-breakpoint
-- What full-text search reads of one proposal (db/proposals.ts, search): the agreement number and
-- title weigh most (A), then the summary (B), the text of the current version (C) and, with
-- `with_inputs`, the inputs received (D); each read by the Spanish configuration and by `mesa_es`
-- (the same without accents, 0009). The writes that change any of them store it again
-- (db/proposals.ts, writeEvents), so a search reads a stored, indexed document instead of
-- rebuilding every proposal's.
CREATE FUNCTION mesa_search_document(proposal text, with_inputs boolean) RETURNS tsvector LANGUAGE sql STABLE AS $$
  select setweight(to_tsvector('spanish', t.head), 'A') || setweight(to_tsvector('spanish', t.summary), 'B')
      || setweight(to_tsvector('spanish', t.version), 'C') || setweight(to_tsvector('spanish', t.inputs), 'D')
      || setweight(to_tsvector('mesa_es', t.head), 'A') || setweight(to_tsvector('mesa_es', t.summary), 'B')
      || setweight(to_tsvector('mesa_es', t.version), 'C') || setweight(to_tsvector('mesa_es', t.inputs), 'D')
  from (
    select coalesce(p.number, '') || ' ' || p.title as head, p.summary,
      coalesce((select v.text from proposal_versions v where v.proposal_id = p.id and v.number = p.current_version), '') as version,
      case when with_inputs then coalesce((select string_agg(i.text, ' ' order by i.at, i.id) from proposal_inputs i where i.proposal_id = p.id), '') else '' end as inputs
    from proposals p where p.id = proposal
  ) t
$$;--> statement-breakpoint
UPDATE "proposals" SET "search_all" = mesa_search_document("id", true), "search_public" = mesa_search_document("id", false);
