ALTER TABLE "sessions" ADD COLUMN "acta_approved_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "sessions_acta_approved" ON "sessions" USING btree ("acta_approved_at") WHERE "sessions"."acta_approved_at" is not null;--> statement-breakpoint
-- Hand-added: actas approved before this column existed take their approval time from the audit trail.
UPDATE "sessions" SET "acta_approved_at" = (SELECT min("at") FROM "session_audit" WHERE "session_audit"."session_id" = "sessions"."id" AND "session_audit"."action" = 'acta_aprobada') WHERE "status" = 'acta_aprobada' AND "acta_approved_at" IS NULL;
