CREATE TABLE "task_audit" (
	"task_id" text NOT NULL,
	"seq" integer NOT NULL,
	"event_seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text,
	"institution" text,
	"action" text NOT NULL,
	"data" jsonb NOT NULL,
	"hash" text NOT NULL,
	"prev_hash" text NOT NULL,
	CONSTRAINT "task_audit_task_id_seq_pk" PRIMARY KEY("task_id","seq")
);
--> statement-breakpoint
CREATE TABLE "task_lines" (
	"task_id" text NOT NULL,
	"institution" text NOT NULL,
	"accepted" boolean DEFAULT false NOT NULL,
	"completed" boolean DEFAULT false NOT NULL,
	"percent" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "task_lines_task_id_institution_pk" PRIMARY KEY("task_id","institution")
);
--> statement-breakpoint
CREATE TABLE "task_progress" (
	"task_id" text NOT NULL,
	"event_seq" integer NOT NULL,
	"institution" text NOT NULL,
	"percent" integer NOT NULL,
	"note" text,
	"evidence_url" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "task_progress_task_id_event_seq_institution_pk" PRIMARY KEY("task_id","event_seq","institution")
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "overdue" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "percent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "pending_for" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "state_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "task_audit" ADD CONSTRAINT "task_audit_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_lines" ADD CONSTRAINT "task_lines_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_progress" ADD CONSTRAINT "task_progress_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "task_audit_event" ON "task_audit" USING btree ("task_id","event_seq");--> statement-breakpoint
CREATE INDEX "tasks_status_due" ON "tasks" USING btree ("status","due_at");