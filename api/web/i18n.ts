// The web pages speak Spanish (es-PE) by default and English on request: the Spanish text is the
// key, English its translation. Dates are always Lima's.
export const languages = ['es', 'en'] as const;
export type Lang = (typeof languages)[number];

const english: Record<string, string> = {
  'Saltar al contenido': 'Skip to content',
  Inicio: 'Home', Propuestas: 'Proposals', Tareas: 'Tasks', Informes: 'Reports', Bandeja: 'Inbox', Salir: 'Log out',
  Entrar: 'Log in', 'Correo electrónico': 'Email', Contraseña: 'Password', 'Iniciar sesión': 'Log in',
  'Propuestas por etapa': 'Proposals by stage', 'Nueva propuesta': 'New proposal', 'Conformidades vencidas': 'Overdue sign-offs',
  'Tareas en riesgo': 'Tasks at risk', 'Lo que espera a su institución': 'What awaits your institution',
  'Nada pendiente.': 'Nothing pending.', 'Avisos recientes': 'Recent notices', 'Consultas abiertas': 'Open consultations',
  'Respuestas a sus aportes': 'Answers to your inputs', 'Lo que sigue su institución': 'What your institution follows',
  'Sin elementos.': 'None.', Vence: 'Due', 'Plazo vencido': 'Overdue', Título: 'Title', Resumen: 'Summary', Texto: 'Text',
  'Objetivos de la PNM': 'PNM objectives', Poblaciones: 'Populations', 'Grupo de trabajo líder': 'Lead working group',
  'Otros grupos de trabajo': 'Other working groups', Etapas: 'Stages', Plazos: 'Deadlines', 'Regla de decisión': 'Decision rule',
  'Política de silencio': 'Silence policy', 'Acción prevista (opcional)': 'Planned action (optional)',
  'Responsables (códigos separados por comas)': 'Responsible (codes separated by commas)', 'Plazo de la acción': 'Action due in',
  Entregable: 'Deliverable', 'Lanzar propuesta': 'Launch proposal', 'Duración ISO 8601, p. ej. P10D (10 días) o PT30S (30 segundos).': 'ISO 8601 duration, e.g. P10D (10 days) or PT30S (30 seconds).',
  'Revise los campos marcados.': 'Please check the marked fields.', Versión: 'Version', 'Texto vigente': 'Current text',
  'Cambios respecto de la versión anterior': 'Changes from the previous version', 'Es la primera versión.': 'This is the first version.',
  'Etapas recorridas': 'Stages so far', Conformidades: 'Sign-offs', Institución: 'Institution', Posición: 'Position',
  Comentario: 'Comment', Fecha: 'Date', Pendiente: 'Pending', tácita: 'tacit', Aportes: 'Inputs', Comentarios: 'Comments',
  Auditoría: 'Audit trail', 'La cadena de auditoría se verificó: ningún registro fue alterado.': 'The audit chain verifies: no entry was altered.',
  'La cadena de auditoría NO se verifica: un registro fue alterado.': 'The audit chain does NOT verify: an entry was altered.',
  'Su conformidad': 'Your sign-off', 'Registrar conformidad': 'Record sign-off', Aprueba: 'Approves',
  'Aprueba con observaciones': 'Approves with observations', Objeta: 'Objects', 'Se abstiene': 'Abstains',
  'Comentario (obligatorio si observa u objeta)': 'Comment (required with observations or objection)',
  'Enviar aporte': 'Submit input', 'Tipo de aporte': 'Kind of input', Aporte: 'Input', Cambio: 'Change',
  'Párrafo (opcional)': 'Paragraph (optional)', Comentar: 'Comment', Respuesta: 'Answer', Responder: 'Answer',
  Decisión: 'Decision', Motivo: 'Reason', 'Avanzar etapa': 'Advance stage', 'Retirar propuesta': 'Withdraw proposal',
  'Publicar nueva versión': 'Publish new version', 'Resumen de cambios': 'Summary of changes', Publicar: 'Publish',
  'Decisión del grupo de trabajo': 'Working group decision', Registrar: 'Record', 'Sin aportes.': 'No inputs.',
  'Sin comentarios.': 'No comments.', 'Acciones de la Secretaría Técnica': 'Secretariat actions', Etapa: 'Stage', Estado: 'Status',
  'Conformidad registrada.': 'Sign-off recorded.', 'Aporte enviado.': 'Input submitted.', 'Comentario publicado.': 'Comment posted.',
  'Respuesta registrada.': 'Answer recorded.', 'Etapa avanzada.': 'Stage advanced.', 'Propuesta retirada.': 'Proposal withdrawn.',
  'Versión publicada.': 'Version published.', 'Decisión registrada.': 'Decision recorded.', 'Propuesta lanzada.': 'Proposal launched.',
  'Tablero de tareas': 'Task board', Avance: 'Progress', Aceptar: 'Accept', 'Aceptar la tarea': 'Accept the task',
  'Solicitar reasignación o nueva fecha': 'Request reassignment or a new date', 'Nueva fecha propuesta (opcional)': 'Proposed new date (optional)',
  Solicitar: 'Request', 'Informar avance': 'Report progress', 'Porcentaje (0–100)': 'Percent (0–100)', Nota: 'Note',
  'Enlace a la evidencia (opcional)': 'Evidence link (optional)', 'Registrar conclusión': 'Record completion', Resultado: 'Result',
  Verificar: 'Verify', 'Aceptar el resultado': 'Accept the result', 'Devolver con observaciones': 'Return with observations',
  Observaciones: 'Observations', 'Decidir la solicitud': 'Decide the request', Conceder: 'Grant', Denegar: 'Refuse',
  'Tarea aceptada.': 'Task accepted.', 'Solicitud enviada.': 'Request sent.', 'Avance registrado.': 'Progress recorded.',
  'Conclusión registrada.': 'Completion recorded.', 'Verificación registrada.': 'Verification recorded.', 'Solicitud decidida.': 'Request decided.',
  'Propuestas en curso por etapa': 'Open proposals by stage', 'Tareas por objetivo de la PNM': 'Tasks by PNM objective',
  'Tiempo de respuesta por institución (horas promedio)': 'Response time per institution (average hours)',
  'Descargar CSV': 'Download CSV', 'Tareas vencidas': 'Overdue tasks', 'Conformidades tácitas': 'Tacit sign-offs',
  'Marcar como leído': 'Mark as read', Leído: 'Read', 'No encontrado': 'Not found', 'No permitido': 'Not allowed',
  'Volver al inicio': 'Back to home', Buscar: 'Search', Filtrar: 'Filter', Todas: 'All', 'Correo o contraseña incorrectos.': 'Wrong email or password.',
  'Su sesión expiró o el formulario caducó. Vuelva a intentarlo.': 'Your session expired or the form is stale. Please try again.',
  Acuerdo: 'Agreement', Acciones: 'Actions', 'Responsables': 'Responsible', 'Sin propuestas.': 'No proposals.',
  'Sin tareas.': 'No tasks.', Siguiente: 'Next', Consulta: 'Consultation', Conformidad: 'Sign-off', 'Grupo de trabajo': 'Working group',
  Revisión: 'Revision', Cerrada: 'Closed', 'Pendientes': 'Pending', 'Ronda': 'Round', 'Tareas del acuerdo': 'Tasks of the agreement',
  'Verificada': 'Verified', 'Asignada': 'Assigned', 'En ejecución': 'In progress', 'Completada': 'Completed',
  'En curso': 'Open', Adoptada: 'Adopted', Observada: 'Sent back', Rechazada: 'Rejected', Retirada: 'Withdrawn',
  'Responder aporte': 'Answer input', Acogida: 'Accepted', 'Parcialmente acogida': 'Partly accepted', 'No acogida': 'Not accepted',
  Avanzar: 'Advance', Devolver: 'Return', Rechazar: 'Reject', 'Consenso': 'Consensus', 'Mayoría simple': 'Simple majority',
  'Miembros consultados': 'Members asked', Respondieron: 'Answered',
  'Mayoría calificada': 'Qualified majority', 'Conformidad tácita': 'Tacit approval', 'Prórroga': 'Extension', 'Sin efecto': 'No effect',
  'Con intención de migrar': 'Intending to migrate', 'Peruanos en el exterior': 'Peruvians abroad', Retornantes: 'Returnees',
  'Extranjeros en el Perú': 'Foreigners in Peru', 'Párrafos separados por una línea en blanco; se numeran en ese orden.': 'Paragraphs separated by a blank line; numbered in that order.',
  'Cierra la etapa actual y abre la siguiente.': 'Closes the current stage and opens the next.', 'Texto anterior': 'Previous text', 'Texto nuevo': 'New text',
  registros: 'entries', 'Ver los datos': 'See the data', 'Sin datos todavía.': 'No data yet.', Horas: 'Hours', Evidencia: 'Evidence',
  'Informes de avance': 'Progress reports', 'No se pudo completar la acción.': 'The action could not be completed.', Plazo: 'Deadline',
  'Es posible que la acción se haya registrado, pero no se pudo confirmar. Puede enviar el formulario de nuevo: se registrará una sola vez.': 'The action may have been recorded but could not be confirmed. You may send the form again: it will be recorded only once.',
  'Proceso recuperado: reanudado o cerrado según lo indicado.': 'Process recovered: resumed or closed as chosen.', Detenida: 'Stopped', 'Proceso detenido': 'Process stopped', Reanudar: 'Resume', Cerrar: 'Close', Acción: 'Action',
  'Su proceso ya no corre en el motor de workflows: no admite acciones, sus plazos no corren y no figura como pendiente en las bandejas.': 'Its process no longer runs in the workflow engine: it takes no actions, its deadlines do not run and it is not pending in any inbox.',
  'Reanudar continúa desde lo último registrado (la ronda, las posiciones y los plazos se conservan). Cerrar la da por terminada y deja el motivo en la auditoría.': 'Resume continues from what was last recorded (round, positions and deadlines are kept). Close ends it and records the reason in the audit trail.',
  'Reanudar continúa desde lo último registrado (avances y plazos se conservan).': 'Resume continues from what was last recorded (progress and deadlines are kept).',
  'La Secretaría Técnica puede reanudarla.': 'The Technical Secretariat can resume it.', 'Procesos detenidos': 'Stopped processes',
  'Nombre de la acción': 'Action name', 'Ver todas las tareas': 'See all tasks', 'Ver solo las de': 'See only those of', Párrafo: 'Paragraph', 'Propuestas en curso': 'Open proposals', Propuesta: 'Proposal', Tarea: 'Task', 'Evento': 'Event', 'Actor': 'Actor',
};

export function t(lang: Lang, spanish: string): string {
  return lang === 'en' ? english[spanish] ?? spanish : spanish;
}

const formats: Record<Lang, Intl.DateTimeFormat> = {
  es: new Intl.DateTimeFormat('es-PE', { timeZone: 'America/Lima', dateStyle: 'long', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Lima', dateStyle: 'long', timeStyle: 'short' }),
};

/** A date as people in the Mesa read it: Lima time, in the page's language. */
export function when(lang: Lang, iso: string | null | undefined): string {
  return iso ? `${formats[lang].format(new Date(iso))}` : '—';
}

/** Names of the Mesa's values (stages, positions, statuses…) in Spanish, translated by t(). */
export const labels: Record<string, string> = {
  grupo_de_trabajo: 'Grupo de trabajo', consulta: 'Consulta', revision: 'Revisión', conformidad: 'Conformidad', cerrada: 'Cerrada',
  en_curso: 'En curso', detenida: 'Detenida', reanudar: 'Reanudar', cerrar: 'Cerrar', adoptada: 'Adoptada', observada: 'Observada', rechazada: 'Rechazada', retirada: 'Retirada',
  aprueba: 'Aprueba', aprueba_con_observaciones: 'Aprueba con observaciones', objeta: 'Objeta', se_abstiene: 'Se abstiene',
  asignada: 'Asignada', en_ejecucion: 'En ejecución', completada: 'Completada', verificada: 'Verificada',
  comentario: 'Comentario', cambio: 'Cambio', acogida: 'Acogida', parcialmente_acogida: 'Parcialmente acogida', no_acogida: 'No acogida',
  avanzar: 'Avanzar', devolver: 'Devolver', rechazar: 'Rechazar',
  consenso: 'Consenso', mayoria_simple: 'Mayoría simple', mayoria_calificada: 'Mayoría calificada',
  conformidad_tacita: 'Conformidad tácita', prorroga: 'Prórroga', sin_efecto: 'Sin efecto',
  intencion_de_migrar: 'Con intención de migrar', exterior: 'Peruanos en el exterior', retornantes: 'Retornantes', extranjeros: 'Extranjeros en el Perú',
};

export const label = (lang: Lang, value: string) => t(lang, labels[value] ?? value);
