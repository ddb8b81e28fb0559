CREATE TABLE "account_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "account_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"actor_id" text,
	"kind" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_events_kind_check" CHECK ("account_events"."kind" in ('cuenta_creada', 'cuenta_desactivada', 'cuenta_reactivada', 'institucion_cambiada', 'designacion_cambiada', 'nombre_cambiado', 'contrasena_cambiada', 'contrasena_restablecida', 'enlace_enviado', 'sesiones_cerradas'))
);
--> statement-breakpoint
CREATE TABLE "password_links" (
	"hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_kind_check";--> statement-breakpoint
ALTER TABLE "inbox_items" DROP CONSTRAINT "inbox_items_kind_check";--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "id" text DEFAULT gen_random_uuid()::text NOT NULL;--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "last_used_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "user_agent" text;--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "designation" text DEFAULT 'titular' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "account_events" ADD CONSTRAINT "account_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_events" ADD CONSTRAINT "account_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_links" ADD CONSTRAINT "password_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_events_user" ON "account_events" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "account_events_at" ON "account_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "password_links_user" ON "password_links" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_id_unique" UNIQUE("id");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_kind_check" CHECK ("deliveries"."kind" in ('revision_grupo', 'consulta_abierta', 'revision', 'conformidad_solicitada', 'informacion', 'recordatorio', 'escalamiento', 'aporte_respondido', 'decision', 'tarea_asignada', 'solicitud_tarea', 'solicitud_decidida', 'tarea_por_vencer', 'tarea_vencida', 'verificacion_pendiente', 'tarea_verificada', 'tarea_devuelta', 'resumen_semanal', 'resumen_diario', 'informe_mensual', 'pendiente', 'plazo_movido', 'convocatoria', 'confirmacion_pendiente', 'segunda_convocatoria', 'sesion_suspendida', 'sesion_cancelada', 'agenda_modificada', 'acta_en_observacion', 'acta_observacion', 'acta_aprobada', 'acceso'));--> statement-breakpoint
ALTER TABLE "inbox_items" ADD CONSTRAINT "inbox_items_kind_check" CHECK ("inbox_items"."kind" in ('revision_grupo', 'consulta_abierta', 'revision', 'conformidad_solicitada', 'informacion', 'recordatorio', 'escalamiento', 'aporte_respondido', 'decision', 'tarea_asignada', 'solicitud_tarea', 'solicitud_decidida', 'tarea_por_vencer', 'tarea_vencida', 'verificacion_pendiente', 'tarea_verificada', 'tarea_devuelta', 'resumen_semanal', 'resumen_diario', 'informe_mensual', 'pendiente', 'plazo_movido', 'convocatoria', 'confirmacion_pendiente', 'segunda_convocatoria', 'sesion_suspendida', 'sesion_cancelada', 'agenda_modificada', 'acta_en_observacion', 'acta_observacion', 'acta_aprobada', 'acceso'));--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_designation_check" CHECK ("users"."designation" in ('titular', 'alterno'));