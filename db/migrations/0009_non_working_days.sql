CREATE TABLE "non_working_days" (
	"calendar" text DEFAULT 'nacional' NOT NULL,
	"date" date NOT NULL,
	"reason" text NOT NULL,
	"kind" text NOT NULL,
	"reference" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "non_working_days_calendar_date_pk" PRIMARY KEY("calendar","date")
);
