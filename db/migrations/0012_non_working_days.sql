CREATE TABLE "non_working_days" (
	"calendar" text DEFAULT 'nacional' NOT NULL,
	"date" date NOT NULL,
	"reason" text NOT NULL,
	"kind" text NOT NULL,
	"reference" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "non_working_days_calendar_date_pk" PRIMARY KEY("calendar","date"),
	CONSTRAINT "non_working_days_kind_check" CHECK ("non_working_days"."kind" in ('feriado', 'no_laborable'))
);
--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_kind_check";--> statement-breakpoint
ALTER TABLE "inbox_items" DROP CONSTRAINT "inbox_items_kind_check";--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_kind_check" CHECK ("deliveries"."kind" in ('revision_grupo', 'consulta_abierta', 'revision', 'conformidad_solicitada', 'informacion', 'recordatorio', 'escalamiento', 'aporte_respondido', 'decision', 'tarea_asignada', 'solicitud_tarea', 'solicitud_decidida', 'tarea_por_vencer', 'tarea_vencida', 'verificacion_pendiente', 'tarea_verificada', 'tarea_devuelta', 'resumen_semanal', 'resumen_diario', 'informe_mensual', 'pendiente', 'plazo_movido', 'convocatoria', 'confirmacion_pendiente', 'segunda_convocatoria', 'sesion_suspendida', 'sesion_cancelada', 'agenda_modificada', 'acta_en_observacion', 'acta_observacion', 'acta_aprobada'));--> statement-breakpoint
ALTER TABLE "inbox_items" ADD CONSTRAINT "inbox_items_kind_check" CHECK ("inbox_items"."kind" in ('revision_grupo', 'consulta_abierta', 'revision', 'conformidad_solicitada', 'informacion', 'recordatorio', 'escalamiento', 'aporte_respondido', 'decision', 'tarea_asignada', 'solicitud_tarea', 'solicitud_decidida', 'tarea_por_vencer', 'tarea_vencida', 'verificacion_pendiente', 'tarea_verificada', 'tarea_devuelta', 'resumen_semanal', 'resumen_diario', 'informe_mensual', 'pendiente', 'plazo_movido', 'convocatoria', 'confirmacion_pendiente', 'segunda_convocatoria', 'sesion_suspendida', 'sesion_cancelada', 'agenda_modificada', 'acta_en_observacion', 'acta_observacion', 'acta_aprobada'));