ALTER TABLE "proposal_audit" ADD COLUMN "scheme" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "proposal_audit" ADD COLUMN "projection" jsonb;--> statement-breakpoint
ALTER TABLE "proposal_audit" ADD COLUMN "seals" jsonb;--> statement-breakpoint
ALTER TABLE "task_audit" ADD COLUMN "scheme" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "task_audit" ADD COLUMN "projection" jsonb;--> statement-breakpoint
ALTER TABLE "task_audit" ADD COLUMN "seals" jsonb;