CREATE TABLE "stopped_processes" (
	"kind" text NOT NULL,
	"id" text NOT NULL,
	"engine_status" text NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stopped_processes_kind_id_pk" PRIMARY KEY("kind","id")
);
