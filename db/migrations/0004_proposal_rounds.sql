CREATE TABLE "proposal_rounds" (
	"proposal_id" text NOT NULL,
	"round" integer NOT NULL,
	"version" integer NOT NULL,
	"members" text[] NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	CONSTRAINT "proposal_rounds_proposal_id_round_pk" PRIMARY KEY("proposal_id","round")
);
--> statement-breakpoint
ALTER TABLE "proposal_rounds" ADD CONSTRAINT "proposal_rounds_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;