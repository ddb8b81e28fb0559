-- Codes and statuses the database itself refuses when they are outside the vocabulary or the
-- registry (db/schema.ts). Every constraint is added NOT VALID, so it holds at once for every new
-- or changed row, and then the rows already there are checked against it. A row written before
-- that breaks a rule (a code no longer in the vocabulary, say) does not stop the upgrade: its
-- constraint stays NOT VALID, still enforced for new rows, and a WARNING in the server's log names
-- it. List them with: select conrelid::regclass, conname from pg_constraint where not convalidated;
ALTER TABLE "calendar_tokens" ADD CONSTRAINT "calendar_tokens_institution_institutions_code_fk" FOREIGN KEY ("institution") REFERENCES "public"."institutions"("code") ON DELETE no action ON UPDATE no action NOT VALID;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_institution_institutions_code_fk" FOREIGN KEY ("institution") REFERENCES "public"."institutions"("code") ON DELETE no action ON UPDATE no action NOT VALID;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_institution_institutions_code_fk" FOREIGN KEY ("institution") REFERENCES "public"."institutions"("code") ON DELETE no action ON UPDATE no action NOT VALID;--> statement-breakpoint
ALTER TABLE "inbox_items" ADD CONSTRAINT "inbox_items_institution_institutions_code_fk" FOREIGN KEY ("institution") REFERENCES "public"."institutions"("code") ON DELETE no action ON UPDATE no action NOT VALID;--> statement-breakpoint
ALTER TABLE "proposal_comments" ADD CONSTRAINT "proposal_comments_institution_institutions_code_fk" FOREIGN KEY ("institution") REFERENCES "public"."institutions"("code") ON DELETE no action ON UPDATE no action NOT VALID;--> statement-breakpoint
ALTER TABLE "proposal_inputs" ADD CONSTRAINT "proposal_inputs_institution_institutions_code_fk" FOREIGN KEY ("institution") REFERENCES "public"."institutions"("code") ON DELETE no action ON UPDATE no action NOT VALID;--> statement-breakpoint
ALTER TABLE "proposal_signoffs" ADD CONSTRAINT "proposal_signoffs_institution_institutions_code_fk" FOREIGN KEY ("institution") REFERENCES "public"."institutions"("code") ON DELETE no action ON UPDATE no action NOT VALID;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_lead_working_group_groups_code_fk" FOREIGN KEY ("lead_working_group") REFERENCES "public"."groups"("code") ON DELETE no action ON UPDATE no action NOT VALID;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_launched_by_institution_institutions_code_fk" FOREIGN KEY ("launched_by_institution") REFERENCES "public"."institutions"("code") ON DELETE no action ON UPDATE no action NOT VALID;--> statement-breakpoint
ALTER TABLE "task_lines" ADD CONSTRAINT "task_lines_institution_institutions_code_fk" FOREIGN KEY ("institution") REFERENCES "public"."institutions"("code") ON DELETE no action ON UPDATE no action NOT VALID;--> statement-breakpoint
ALTER TABLE "task_progress" ADD CONSTRAINT "task_progress_institution_institutions_code_fk" FOREIGN KEY ("institution") REFERENCES "public"."institutions"("code") ON DELETE no action ON UPDATE no action NOT VALID;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_channel_check" CHECK ("deliveries"."channel" in ('email', 'webhook')) NOT VALID;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_status_check" CHECK ("deliveries"."status" in ('pendiente', 'enviando', 'reintentando', 'enviada', 'fallida')) NOT VALID;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_kind_check" CHECK ("deliveries"."kind" in ('revision_grupo', 'consulta_abierta', 'revision', 'conformidad_solicitada', 'informacion', 'recordatorio', 'escalamiento', 'aporte_respondido', 'decision', 'tarea_asignada', 'solicitud_tarea', 'solicitud_decidida', 'tarea_por_vencer', 'tarea_vencida', 'verificacion_pendiente', 'tarea_verificada', 'tarea_devuelta', 'resumen_semanal', 'resumen_diario', 'informe_mensual', 'pendiente')) NOT VALID;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_kind_check" CHECK ("groups"."kind" in ('grupo_de_trabajo', 'comision')) NOT VALID;--> statement-breakpoint
ALTER TABLE "inbox_items" ADD CONSTRAINT "inbox_items_kind_check" CHECK ("inbox_items"."kind" in ('revision_grupo', 'consulta_abierta', 'revision', 'conformidad_solicitada', 'informacion', 'recordatorio', 'escalamiento', 'aporte_respondido', 'decision', 'tarea_asignada', 'solicitud_tarea', 'solicitud_decidida', 'tarea_por_vencer', 'tarea_vencida', 'verificacion_pendiente', 'tarea_verificada', 'tarea_devuelta', 'resumen_semanal', 'resumen_diario', 'informe_mensual', 'pendiente')) NOT VALID;--> statement-breakpoint
ALTER TABLE "institutions" ADD CONSTRAINT "institutions_kind_check" CHECK ("institutions"."kind" in ('secretaria', 'miembro', 'observador', 'apoyo', 'osc')) NOT VALID;--> statement-breakpoint
ALTER TABLE "proposal_inputs" ADD CONSTRAINT "proposal_inputs_kind_check" CHECK ("proposal_inputs"."kind" in ('comentario', 'cambio')) NOT VALID;--> statement-breakpoint
ALTER TABLE "proposal_inputs" ADD CONSTRAINT "proposal_inputs_answer_decision_check" CHECK ("proposal_inputs"."answer_decision" in ('acogida', 'parcialmente_acogida', 'no_acogida')) NOT VALID;--> statement-breakpoint
ALTER TABLE "proposal_signoffs" ADD CONSTRAINT "proposal_signoffs_position_check" CHECK ("proposal_signoffs"."position" in ('aprueba', 'aprueba_con_observaciones', 'objeta', 'se_abstiene')) NOT VALID;--> statement-breakpoint
ALTER TABLE "proposal_timeline" ADD CONSTRAINT "proposal_timeline_stage_check" CHECK ("proposal_timeline"."stage" in ('grupo_de_trabajo', 'consulta', 'revision', 'conformidad', 'cerrada')) NOT VALID;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_status_check" CHECK ("proposals"."status" in ('en_curso', 'adoptada', 'observada', 'rechazada', 'retirada')) NOT VALID;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_stage_check" CHECK ("proposals"."stage" in ('grupo_de_trabajo', 'consulta', 'revision', 'conformidad', 'cerrada')) NOT VALID;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_objectives_check" CHECK ("proposals"."objectives" <@ array['OE1', 'OE2', 'OE3', 'OE4', 'OE5']::text[]) NOT VALID;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_populations_check" CHECK ("proposals"."populations" <@ array['intencion_de_migrar', 'exterior', 'retornantes', 'extranjeros']::text[]) NOT VALID;--> statement-breakpoint
ALTER TABLE "stopped_processes" ADD CONSTRAINT "stopped_processes_kind_check" CHECK ("stopped_processes"."kind" in ('propuesta', 'tarea')) NOT VALID;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_status_check" CHECK ("tasks"."status" in ('asignada', 'en_ejecucion', 'completada', 'verificada')) NOT VALID;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_notifications_check" CHECK ("users"."notifications" in ('inmediato', 'resumen_diario')) NOT VALID;
--> statement-breakpoint
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
    WHERE NOT convalidated AND connamespace = 'public'::regnamespace ORDER BY 1, 2
  LOOP
    BEGIN
      EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', c.tbl, c.conname);
    EXCEPTION WHEN check_violation OR foreign_key_violation THEN
      RAISE WARNING 'Mesa: rows written before % on % break it; it holds for new rows only until they are corrected', c.conname, c.tbl;
    END;
  END LOOP;
END $$;
