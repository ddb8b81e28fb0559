CREATE TABLE "groups" (
	"code" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"population" text,
	"coordinator_id" text,
	"unconfirmed" boolean DEFAULT false NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"user_id" text NOT NULL,
	"route" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_user_id_route_key_pk" PRIMARY KEY("user_id","route","key")
);
--> statement-breakpoint
CREATE TABLE "institutions" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"unconfirmed" boolean DEFAULT false NOT NULL,
	"note" text,
	"valid_from" date NOT NULL,
	"valid_to" date,
	CONSTRAINT "institutions_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"group_code" text NOT NULL,
	"institution_id" text NOT NULL,
	"unconfirmed" boolean DEFAULT false NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	CONSTRAINT "memberships_group_code_institution_id_valid_from_pk" PRIMARY KEY("group_code","institution_id","valid_from")
);
--> statement-breakpoint
CREATE TABLE "proposal_timeline" (
	"proposal_id" text NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"stage" text NOT NULL,
	"event" text NOT NULL,
	CONSTRAINT "proposal_timeline_proposal_id_seq_pk" PRIMARY KEY("proposal_id","seq")
);
--> statement-breakpoint
CREATE TABLE "proposal_versions" (
	"proposal_id" text NOT NULL,
	"number" integer NOT NULL,
	"text" text NOT NULL,
	"change_summary" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "proposal_versions_proposal_id_number_pk" PRIMARY KEY("proposal_id","number")
);
--> statement-breakpoint
CREATE TABLE "proposals" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"status" text NOT NULL,
	"stage" text NOT NULL,
	"objectives" text[] NOT NULL,
	"populations" text[] NOT NULL,
	"lead_working_group" text NOT NULL,
	"working_groups" text[] NOT NULL,
	"plan" jsonb NOT NULL,
	"current_version" integer NOT NULL,
	"deadlines" jsonb NOT NULL,
	"pending_for" text[] DEFAULT '{}'::text[] NOT NULL,
	"launched_by" text NOT NULL,
	"launched_by_institution" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tokens" (
	"hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"institution_id" text NOT NULL,
	"password_hash" text NOT NULL,
	"admin" boolean DEFAULT false NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_coordinator_id_institutions_id_fk" FOREIGN KEY ("coordinator_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_group_code_groups_code_fk" FOREIGN KEY ("group_code") REFERENCES "public"."groups"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_timeline" ADD CONSTRAINT "proposal_timeline_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_versions" ADD CONSTRAINT "proposal_versions_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "proposals_created" ON "proposals" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "proposals_stage" ON "proposals" USING btree ("stage","created_at");--> statement-breakpoint
CREATE INDEX "proposals_status" ON "proposals" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "proposals_pending_for" ON "proposals" USING gin ("pending_for");--> statement-breakpoint
CREATE INDEX "proposals_objectives" ON "proposals" USING gin ("objectives");--> statement-breakpoint
CREATE INDEX "tokens_user" ON "tokens" USING btree ("user_id");