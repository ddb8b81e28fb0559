CREATE TABLE "session_acta_files" (
	"session_id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"pdf" "bytea" NOT NULL,
	"sha256" text NOT NULL,
	"signer" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_actas" (
	"session_id" text NOT NULL,
	"version" integer NOT NULL,
	"text" text NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "session_actas_session_id_version_pk" PRIMARY KEY("session_id","version")
);
--> statement-breakpoint
CREATE TABLE "session_attendance" (
	"session_id" text NOT NULL,
	"event_seq" integer NOT NULL,
	"call" integer NOT NULL,
	"institution" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "session_attendance_session_id_event_seq_institution_pk" PRIMARY KEY("session_id","event_seq","institution")
);
--> statement-breakpoint
CREATE TABLE "session_audit" (
	"session_id" text NOT NULL,
	"seq" integer NOT NULL,
	"event_seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text,
	"institution" text,
	"action" text NOT NULL,
	"data" jsonb NOT NULL,
	"hash" text NOT NULL,
	"prev_hash" text NOT NULL,
	"scheme" integer DEFAULT 1 NOT NULL,
	"projection" jsonb,
	"seals" jsonb,
	CONSTRAINT "session_audit_session_id_seq_pk" PRIMARY KEY("session_id","seq")
);
--> statement-breakpoint
CREATE TABLE "session_confirmations" (
	"session_id" text NOT NULL,
	"institution" text NOT NULL,
	"attends" boolean NOT NULL,
	"representative" jsonb,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "session_confirmations_session_id_institution_pk" PRIMARY KEY("session_id","institution")
);
--> statement-breakpoint
CREATE TABLE "session_items" (
	"session_id" text NOT NULL,
	"n" integer NOT NULL,
	"ord" integer NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"proposal_id" text,
	"task_id" text,
	"status" text NOT NULL,
	"summary" text,
	"reason" text,
	"outcome" text,
	"number" text,
	"counts" jsonb,
	"absent" text[] DEFAULT '{}'::text[] NOT NULL,
	CONSTRAINT "session_items_session_id_n_pk" PRIMARY KEY("session_id","n")
);
--> statement-breakpoint
CREATE TABLE "session_observations" (
	"session_id" text NOT NULL,
	"event_seq" integer NOT NULL,
	"institution" text NOT NULL,
	"text" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "session_observations_session_id_event_seq_pk" PRIMARY KEY("session_id","event_seq")
);
--> statement-breakpoint
CREATE TABLE "session_positions" (
	"session_id" text NOT NULL,
	"event_seq" integer NOT NULL,
	"n" integer NOT NULL,
	"institution" text NOT NULL,
	"position" text NOT NULL,
	"comment" text,
	"on_behalf" boolean NOT NULL,
	"user_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "session_positions_session_id_event_seq_pk" PRIMARY KEY("session_id","event_seq")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"place" text,
	"video_url" text,
	"call" integer DEFAULT 1 NOT NULL,
	"second_call_at" timestamp with time zone,
	"opened_at" timestamp with time zone,
	"present" text[] DEFAULT '{}'::text[] NOT NULL,
	"quorum" jsonb,
	"sequence" integer DEFAULT 0 NOT NULL,
	"members" text[] NOT NULL,
	"invited" text[] NOT NULL,
	"acta" jsonb,
	"state_seq" integer DEFAULT 0 NOT NULL,
	"convened_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_kind_check";--> statement-breakpoint
ALTER TABLE "inbox_items" DROP CONSTRAINT "inbox_items_kind_check";--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "session_id" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "calendar" text;--> statement-breakpoint
ALTER TABLE "inbox_items" ADD COLUMN "session_id" text;--> statement-breakpoint
ALTER TABLE "session_acta_files" ADD CONSTRAINT "session_acta_files_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_actas" ADD CONSTRAINT "session_actas_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_attendance" ADD CONSTRAINT "session_attendance_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_audit" ADD CONSTRAINT "session_audit_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_confirmations" ADD CONSTRAINT "session_confirmations_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_items" ADD CONSTRAINT "session_items_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_items" ADD CONSTRAINT "session_items_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_items" ADD CONSTRAINT "session_items_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_observations" ADD CONSTRAINT "session_observations_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_positions" ADD CONSTRAINT "session_positions_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "session_audit_event" ON "session_audit" USING btree ("session_id","event_seq");--> statement-breakpoint
CREATE INDEX "session_items_proposal" ON "session_items" USING btree ("proposal_id");--> statement-breakpoint
CREATE INDEX "sessions_starts" ON "sessions" USING btree ("starts_at");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_kind_check" CHECK ("deliveries"."kind" in ('revision_grupo', 'consulta_abierta', 'revision', 'conformidad_solicitada', 'informacion', 'recordatorio', 'escalamiento', 'aporte_respondido', 'decision', 'tarea_asignada', 'solicitud_tarea', 'solicitud_decidida', 'tarea_por_vencer', 'tarea_vencida', 'verificacion_pendiente', 'tarea_verificada', 'tarea_devuelta', 'resumen_semanal', 'resumen_diario', 'informe_mensual', 'pendiente', 'convocatoria', 'confirmacion_pendiente', 'segunda_convocatoria', 'sesion_suspendida', 'sesion_cancelada', 'agenda_modificada', 'acta_en_observacion', 'acta_observacion', 'acta_aprobada'));--> statement-breakpoint
ALTER TABLE "inbox_items" ADD CONSTRAINT "inbox_items_kind_check" CHECK ("inbox_items"."kind" in ('revision_grupo', 'consulta_abierta', 'revision', 'conformidad_solicitada', 'informacion', 'recordatorio', 'escalamiento', 'aporte_respondido', 'decision', 'tarea_asignada', 'solicitud_tarea', 'solicitud_decidida', 'tarea_por_vencer', 'tarea_vencida', 'verificacion_pendiente', 'tarea_verificada', 'tarea_devuelta', 'resumen_semanal', 'resumen_diario', 'informe_mensual', 'pendiente', 'convocatoria', 'confirmacion_pendiente', 'segunda_convocatoria', 'sesion_suspendida', 'sesion_cancelada', 'agenda_modificada', 'acta_en_observacion', 'acta_observacion', 'acta_aprobada'));