ALTER TABLE "proposals" ADD COLUMN "search_all" "tsvector";--> statement-breakpoint
ALTER TABLE "proposals" ADD COLUMN "search_public" "tsvector";--> statement-breakpoint
CREATE INDEX "proposals_search_all" ON "proposals" USING gin ("search_all");--> statement-breakpoint
CREATE INDEX "proposals_search_public" ON "proposals" USING gin ("search_public");--> statement-breakpoint
-- What full-text search reads of one proposal (db/proposals.ts, search): the agreement number and
-- title weigh most (A), then the summary (B), the text of the current version (C) and, for the
-- State's side only, the inputs received (D); each read by the Spanish configuration and by
-- `mesa_es` (the same without accents, 0009). Both documents come from one reading: the public
-- one is the State's without its inputs. The writes that change any of them store them again
-- (db/proposals.ts, storeSearchDocuments), so a search reads a stored, indexed document instead of
-- rebuilding every proposal's.
CREATE FUNCTION mesa_search_documents(proposal text, OUT with_inputs tsvector, OUT without_inputs tsvector) LANGUAGE sql STABLE AS $$
  select d.public || d.inputs, d.public
  from (
    select setweight(to_tsvector('spanish', t.head), 'A') || setweight(to_tsvector('spanish', t.summary), 'B')
        || setweight(to_tsvector('spanish', t.version), 'C')
        || setweight(to_tsvector('mesa_es', t.head), 'A') || setweight(to_tsvector('mesa_es', t.summary), 'B')
        || setweight(to_tsvector('mesa_es', t.version), 'C') as public,
      setweight(to_tsvector('spanish', t.inputs), 'D') || setweight(to_tsvector('mesa_es', t.inputs), 'D') as inputs
    from (
      select coalesce(p.number, '') || ' ' || p.title as head, p.summary,
        coalesce((select v.text from proposal_versions v where v.proposal_id = p.id and v.number = p.current_version), '') as version,
        coalesce((select string_agg(i.text, ' ' order by i.at, i.id) from proposal_inputs i where i.proposal_id = p.id), '') as inputs
      from proposals p where p.id = proposal
    ) t
  ) d
$$;--> statement-breakpoint
UPDATE "proposals" SET ("search_all", "search_public") = (SELECT with_inputs, without_inputs FROM mesa_search_documents("id"));
