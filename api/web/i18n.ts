// The web pages speak Spanish (es-PE) by default and English on request: the Spanish text is the
// key, English its translation. The Mesa's values (stages, statuses, positions…) are named by the
// catalogue (domain/catalogue.ts) in both languages. Dates are always Lima's.
import { valueLabel, type Lang } from '../../domain/catalogue';

export { languages, type Lang } from '../../domain/catalogue';

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
  'Su conformidad': 'Your sign-off', 'Registrar conformidad': 'Record sign-off',
  'Comentario (obligatorio si observa u objeta)': 'Comment (required with observations or objection)',
  'Enviar aporte': 'Submit input', 'Tipo de aporte': 'Kind of input', Aporte: 'Input',
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
  'Sin tareas.': 'No tasks.', Siguiente: 'Next', 'Pendientes': 'Pending', 'Ronda': 'Round', 'Tareas del acuerdo': 'Tasks of the agreement',
  'Responder aporte': 'Answer input', 'Miembros consultados': 'Members asked', Respondieron: 'Answered',
  'Párrafos separados por una línea en blanco; se numeran en ese orden.': 'Paragraphs separated by a blank line; numbered in that order.',
  'Cierra la etapa actual y abre la siguiente.': 'Closes the current stage and opens the next.', 'Texto anterior': 'Previous text', 'Texto nuevo': 'New text',
  registros: 'entries', 'Ver los datos': 'See the data', 'Sin datos todavía.': 'No data yet.', Horas: 'Hours', Evidencia: 'Evidence',
  'Informes de avance': 'Progress reports', 'No se pudo completar la acción.': 'The action could not be completed.', Plazo: 'Deadline',
  'Es posible que la acción se haya registrado, pero no se pudo confirmar. Puede enviar el formulario de nuevo: se registrará una sola vez.': 'The action may have been recorded but could not be confirmed. You may send the form again: it will be recorded only once.',
  'Proceso recuperado: reanudado o cerrado según lo indicado.': 'Process recovered: resumed or closed as chosen.', 'Proceso detenido': 'Process stopped', Acción: 'Action',
  'Su proceso ya no corre en el motor de workflows: no admite acciones, sus plazos no corren y no figura como pendiente en las bandejas.': 'Its process no longer runs in the workflow engine: it takes no actions, its deadlines do not run and it is not pending in any inbox.',
  'Reanudar continúa desde lo último registrado (la ronda, las posiciones y los plazos se conservan). Cerrar la da por terminada y deja el motivo en la auditoría.': 'Resume continues from what was last recorded (round, positions and deadlines are kept). Close ends it and records the reason in the audit trail.',
  'Reanudar continúa desde lo último registrado (avances y plazos se conservan).': 'Resume continues from what was last recorded (progress and deadlines are kept).',
  'La Secretaría Técnica puede reanudarla.': 'The Technical Secretariat can resume it.', 'Procesos detenidos': 'Stopped processes',
  Unidad: 'Unit', 'O hasta la fecha': 'Or until the date', 'Un número de días; o deje la fecha abajo.': 'A number of days; or give the date below.',
  Calendario: 'Calendar', 'Calendario de días hábiles': 'Calendar of working days', 'Por ley': 'By law', Corregir: 'Correct', Guardar: 'Save', Quitar: 'Remove',
  'Los plazos en días hábiles no cuentan los sábados, los domingos, los feriados nacionales ni los días no laborables declarados para el sector público. Vencen al cierre del día hábil, hora de Lima.': 'Deadlines in working days do not count Saturdays, Sundays, national holidays or the non-working days declared for the public sector. They end at the close of the working day, Lima time.',
  Clase: 'Kind', Norma: 'Decree', 'Norma que lo declara': 'Decree that declares it', 'Agregar un día no laborable': 'Add a non-working day',
  'P. ej. D.S. N.° 123-2026-PCM.': 'E.g. D.S. N.° 123-2026-PCM.', Agregar: 'Add', Importar: 'Import', 'Importar un archivo iCalendar (.ics)': 'Import an iCalendar file (.ics)',
  'Los plazos abiertos que incluyen ese día se mueven un día hábil y se avisa a los interesados.': 'Open deadlines that include that day move by one working day, and those concerned are told.',
  'Contenido del archivo .ics': 'Contents of the .ics file',
  'Abra el archivo con un editor de texto y pegue aquí su contenido. Cada evento es un día no laborable; su título, el motivo.': 'Open the file in a text editor and paste its contents here. Each event is a non-working day; its title, the reason.',
  'Día no laborable registrado.': 'Non-working day recorded.', 'Día no laborable corregido.': 'Non-working day corrected.', 'Día no laborable quitado.': 'Non-working day removed.',
  'Calendario importado.': 'Calendar imported.',
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

/** A value of the Mesa's (a stage, a status, a position…) as the catalogue names it. */
export const label = (lang: Lang, value: string) => valueLabel(value, lang);
