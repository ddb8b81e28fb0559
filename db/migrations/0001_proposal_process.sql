CREATE TABLE "agreements" (
	"proposal_id" text PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"seq" integer NOT NULL,
	"number" text NOT NULL,
	CONSTRAINT "agreements_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "inbox_items" (
	"id" text PRIMARY KEY NOT NULL,
	"institution" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"proposal_id" text,
	"task_id" text,
	"read" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "proposal_audit" (
	"proposal_id" text NOT NULL,
	"seq" integer NOT NULL,
	"event_seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text,
	"institution" text,
	"action" text NOT NULL,
	"data" jsonb NOT NULL,
	"hash" text NOT NULL,
	"prev_hash" text NOT NULL,
	CONSTRAINT "proposal_audit_proposal_id_seq_pk" PRIMARY KEY("proposal_id","seq")
);
--> statement-breakpoint
CREATE TABLE "proposal_comments" (
	"id" text PRIMARY KEY NOT NULL,
	"proposal_id" text NOT NULL,
	"institution" text NOT NULL,
	"user_id" text NOT NULL,
	"text" text NOT NULL,
	"version" integer NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "proposal_inputs" (
	"id" text PRIMARY KEY NOT NULL,
	"proposal_id" text NOT NULL,
	"institution" text NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"paragraph" integer,
	"version" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"answer_decision" text,
	"answer_reason" text,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "proposal_signoffs" (
	"proposal_id" text NOT NULL,
	"event_seq" integer NOT NULL,
	"institution" text NOT NULL,
	"round" integer NOT NULL,
	"version" integer NOT NULL,
	"position" text NOT NULL,
	"comment" text,
	"tacit" boolean NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "proposal_signoffs_proposal_id_event_seq_institution_pk" PRIMARY KEY("proposal_id","event_seq","institution")
);
--> statement-breakpoint
CREATE TABLE "task_events" (
	"task_id" text NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"institution" text,
	"action" text NOT NULL,
	CONSTRAINT "task_events_task_id_seq_pk" PRIMARY KEY("task_id","seq")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"proposal_id" text NOT NULL,
	"agreement_number" text NOT NULL,
	"index" integer NOT NULL,
	"title" text NOT NULL,
	"deliverable" text NOT NULL,
	"responsible" text[] NOT NULL,
	"accepted" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "proposals" ADD COLUMN "round" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "proposals" ADD COLUMN "consultation_open" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "proposals" ADD COLUMN "decision" jsonb;--> statement-breakpoint
ALTER TABLE "proposals" ADD COLUMN "tasks" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "proposals" ADD COLUMN "state_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_audit" ADD CONSTRAINT "proposal_audit_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_comments" ADD CONSTRAINT "proposal_comments_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_inputs" ADD CONSTRAINT "proposal_inputs_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_signoffs" ADD CONSTRAINT "proposal_signoffs_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agreements_year_seq" ON "agreements" USING btree ("year","seq");--> statement-breakpoint
CREATE INDEX "inbox_items_institution" ON "inbox_items" USING btree ("institution","at");--> statement-breakpoint
CREATE UNIQUE INDEX "proposal_audit_event" ON "proposal_audit" USING btree ("proposal_id","event_seq");--> statement-breakpoint
CREATE INDEX "proposal_comments_proposal" ON "proposal_comments" USING btree ("proposal_id","at");--> statement-breakpoint
CREATE INDEX "proposal_inputs_proposal" ON "proposal_inputs" USING btree ("proposal_id","at");--> statement-breakpoint
CREATE INDEX "proposal_signoffs_round" ON "proposal_signoffs" USING btree ("proposal_id","round","institution");--> statement-breakpoint
CREATE INDEX "tasks_proposal" ON "tasks" USING btree ("proposal_id");--> statement-breakpoint
CREATE INDEX "tasks_responsible" ON "tasks" USING gin ("responsible");