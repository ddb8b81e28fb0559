// The web pages speak Spanish (es-PE) by default and English on request: the Spanish text is the
// key, English its translation. The Mesa's values (stages, statuses, positions…) are named by the
// catalogue (domain/catalogue.ts) in both languages. Dates are always Lima's.
import { valueLabel, type Lang } from '../../domain/catalogue';
import { parseDuration } from '../../domain/durations';

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
  // Pages added for the daily work: requests, facts of a proposal, comparison, planned actions.
  'Solo la Secretaría Técnica lanza propuestas.': 'Only the Technical Secretariat launches proposals.', 'Secretaría Técnica': 'Technical Secretariat',
  'Acciones previstas (opcionales)': 'Planned actions (optional)', 'Instituciones responsables': 'Responsible institutions',
  'Cada acción será una tarea al adoptarse el acuerdo. Deje vacías las que no necesite; si completa una, indique todas sus partes.': 'Each action becomes a task when the agreement is adopted. Leave empty those you do not need; if you fill one in, give all its parts.',
  'Duración ISO 8601, p. ej. P90D (90 días) o P6M (6 meses).': 'ISO 8601 duration, e.g. P90D (90 days) or P6M (6 months).',
  'de los miembros': 'of the members', 'Sin acciones previstas.': 'No planned actions.', 'Acciones previstas': 'Planned actions',
  'desde la adopción': 'from adoption', de: 'of', 'Con quórum': 'Quorum met', 'Sin quórum': 'No quorum', 'Motivo del retiro': 'Reason for withdrawal',
  'El texto no cambió.': 'The text did not change.', 'Párrafo (obligatorio para un cambio)': 'Paragraph (required for a change)',
  'Su solicitud, pendiente de decisión': 'Your request, awaiting a decision', 'Solicitud pendiente de decisión': 'Request awaiting a decision',
  'Solicitada por': 'Requested by', 'Qué pide': 'What it asks for', 'Nueva fecha': 'New date', 'hoy vence': 'currently due',
  'Reasignar su parte de la tarea a otras instituciones': 'Reassign its part of the task to other institutions',
  'La Secretaría Técnica la decidirá; recibirá un aviso.': 'The Technical Secretariat will decide it; you will be notified.',
  'Nuevas instituciones responsables': 'New responsible institutions', 'Solo si concede la reasignación.': 'Only if you grant the reassignment.',
  'Confirmo que la propuesta se retira: su proceso termina y no puede reabrirse.': 'I confirm the proposal is withdrawn: its process ends and cannot be reopened.',
  'Confirmo que nuestra parte de la tarea está concluida: pasa a verificación.': 'I confirm our part of the task is completed: it goes to verification.',
  'Confirmo la decisión (al denegar, la solicitud se cierra sin cambios).': 'I confirm the decision (when refused, the request closes with nothing changed).',
  'Marque la confirmación para retirar la propuesta.': 'Tick the confirmation to withdraw the proposal.',
  'Marque la confirmación para registrar la conclusión.': 'Tick the confirmation to record the completion.',
  'Marque la confirmación para registrar la decisión.': 'Tick the confirmation to record the decision.',
  'Registro de acuerdos': 'Register of agreements', Acuerdos: 'Agreements', 'Aún no hay acuerdos.': 'No agreements yet.', Número: 'Number',
  Votación: 'Vote', 'Tareas y avance': 'Tasks and progress',
  'Para imprimir o guardar en PDF, use la impresión del navegador: la página se imprime sin menús ni formularios.': 'To print or save as PDF, use the browser\'s print: the page prints without menus or forms.',
  'Ajustes de la institución': 'Institution settings', Ajustes: 'Settings', 'Sin registrar': 'Not registered', Aviso: 'Notice', Canal: 'Channel',
  intentos: 'attempts', Contactos: 'Contacts', Titular: 'Main contact', Alterno: 'Alternate contact',
  'La Secretaría Técnica registra los contactos y el webhook de cada institución.': 'The Technical Secretariat registers each institution\'s contacts and webhook.',
  'Cómo recibe sus avisos': 'How you receive notices', Correo: 'Email',
  'Una dirección secreta para suscribir su calendario (Outlook, Google, Thunderbird) a los plazos de su institución. Crear una nueva anula la anterior.': 'A secret address to subscribe your calendar (Outlook, Google, Thunderbird) to your institution\'s deadlines. Creating a new one cancels the previous one.',
  'Dirección de su calendario': 'Your calendar\'s address', 'Crear dirección del calendario': 'Create the calendar address',
  'Entregas recientes': 'Recent deliveries', 'Entregas fallidas': 'Failed deliveries', 'Preferencia guardada.': 'Preference saved.',
  'Etapas del proceso': 'Stages of the process', 'Agregar otra acción': 'Add another action', Quórum: 'Quorum',
  'Una objeción o una conformidad con observaciones requiere un comentario.': 'An objection or a sign-off with observations needs a comment.',
  'Un cambio propuesto debe indicar el párrafo que cambia.': 'A proposed change must name the paragraph it changes.',
  'Devolver o rechazar una propuesta requiere un motivo.': 'Returning or rejecting a proposal needs a reason.',
  'Una tarea devuelta requiere las observaciones.': 'A returned task needs the observations.',
  // The API's and the processes' refusals, as a person reads them in English.
  'Acepte la tarea antes de informar avances.': 'Accept the task before reporting progress.',
  'Con esa reasignación solo quedarían instituciones que ya completaron su parte: nombre al menos una institución que asuma la parte pendiente.': 'That reassignment would leave only institutions that already completed their part: name at least one institution to take on the pending part.',
  'Devolver o rechazar una propuesta requiere un motivo («reason»).': 'Returning or rejecting a proposal needs a reason («reason»).',
  'Durante la ronda de conformidad el texto no cambia: espere su cierre.': 'During the sign-off round the text does not change: wait until it closes.',
  'El retiro requiere un motivo.': 'A withdrawal needs a reason.', 'Indique el resultado («summary»).': 'Give the result («summary»).',
  'La consulta de esta propuesta no está abierta: solo se reciben aportes durante la consulta.': 'The consultation on this proposal is not open: inputs are received only during the consultation.',
  'La decisión requiere un comentario («comment»).': 'The decision needs a comment («comment»).', 'La nueva fecha propuesta debe ser futura.': 'The proposed new date must be in the future.',
  'La respuesta a un aporte requiere un motivo.': 'The answer to an input needs a reason.', 'La ronda de conformidad no está abierta.': 'The sign-off round is not open.',
  'La ronda de conformidad se cierra cuando todos los miembros responden o al vencer su plazo.': 'The sign-off round closes when every member has answered or when its deadline passes.',
  'La solicitud requiere un motivo («reason»).': 'The request needs a reason («reason»).',
  'La tarea aún se está registrando: inténtelo de nuevo en unos segundos.': 'The task is still being recorded: try again in a few seconds.',
  'La tarea debe estar aceptada por todas las instituciones responsables antes de completarse.': 'Every responsible institution must accept the task before it is completed.',
  'La tarea está completada y en verificación.': 'The task is completed and being verified.', 'La tarea ya fue verificada y cerrada.': 'The task was already verified and closed.',
  'Las observaciones requieren un texto («comment»).': 'Observations need a text («comment»).',
  'Las organizaciones de la sociedad civil participan con aportes durante la consulta, no con comentarios.': 'Civil society organizations take part with inputs during the consultation, not with comments.',
  'No hay ninguna solicitud pendiente en esta tarea.': 'This task has no pending request.', 'No hay una etapa siguiente.': 'There is no next stage.',
  'Para conceder una reasignación indique las nuevas instituciones responsables («responsible»).': 'To grant a reassignment, name the new responsible institutions («responsible»).',
  'Publique una nueva versión del texto antes de continuar.': 'Publish a new version of the text before continuing.',
  'Solo la Secretaría Técnica hace avanzar una propuesta.': 'Only the Technical Secretariat advances a proposal.',
  'Solo la Secretaría Técnica publica nuevas versiones.': 'Only the Technical Secretariat publishes new versions.',
  'Solo la Secretaría Técnica responde los aportes.': 'Only the Technical Secretariat answers inputs.',
  'Solo la Secretaría Técnica retira una propuesta.': 'Only the Technical Secretariat withdraws a proposal.',
  'Solo las instituciones miembro dan su conformidad; observadores y organismos de apoyo pueden comentar.': 'Only member institutions sign off; observers and support bodies may comment.',
  'Solo las organizaciones de la sociedad civil y los organismos de apoyo envían aportes.': 'Only civil society organizations and support bodies submit inputs.',
  'Solo se verifica una tarea completada por todas sus instituciones responsables.': 'Only a task completed by all its responsible institutions is verified.',
  'Su institución ya aceptó esta tarea.': 'Your institution already accepted this task.',
  'Su organización no integra la comisión de coordinación con la sociedad civil.': 'Your organization is not part of the coordination commission with civil society.',
  'Su parte de la tarea ya está completada.': 'Your part of the task is already completed.',
  'Su solicitud está pendiente de decisión de la Secretaría Técnica.': 'Your request awaits the Technical Secretariat\'s decision.',
  'Un cambio propuesto debe indicar el párrafo («paragraph»).': 'A proposed change must name the paragraph («paragraph»).',
  'Una nueva versión requiere un resumen de cambios.': 'A new version needs a summary of changes.',
  'Una objeción requiere un motivo («comment»).': 'An objection needs a reason («comment»).',
  'Una tarea devuelta requiere las observaciones («comment»).': 'A returned task needs the observations («comment»).',
  'Ya hay una solicitud pendiente de decisión en esta tarea.': 'This task already has a request awaiting a decision.',
  // Plenary sessions (api/web/pages/sessions.ts).
  Sesiones: 'Sessions', Sesión: 'Session', 'Sesión ordinaria': 'Ordinary session', 'Sesión extraordinaria': 'Extraordinary session', 'Convocar sesión': 'Convene a session', Convocar: 'Convene', 'Tipo de sesión': 'Kind of session',
  'Fecha y hora (Lima)': 'Date and time (Lima)', Lugar: 'Place', 'Enlace de la videollamada (opcional)': 'Video call link (optional)',
  'Propuestas por decidir en sesión': 'Proposals to decide in session', 'Otros puntos (uno por línea)': 'Other items (one per line)',
  'Registro de actas': 'Register of minutes', 'Calendario de sesiones': 'Calendar of sessions', 'Sin sesiones.': 'No sessions.', puntos: 'items',
  presentes: 'present', 'se requieren': 'required', 'Segunda convocatoria': 'Second call',
  Ausentes: 'Absent', 'registrada por la Secretaría Técnica': 'recorded by the Technical Secretariat',
  'Confirmar asistencia': 'Confirm attendance', '¿Asiste su institución?': 'Does your institution attend?', Asistirá: 'Will attend', 'No asistirá': 'Will not attend',
  'Representante (opcional; por defecto, el titular)': 'Representative (optional; by default, the titular)', 'Correo del representante': 'Representative\'s email',
  Confirmar: 'Confirm', 'Abrir la sesión': 'Open the session', 'Miembros presentes': 'Members present', 'Posición sobre el punto': 'Position on item',
  'Miembro presente': 'Member present', 'Registrar posición': 'Record position', 'Cerrar el punto': 'Close item', 'Resumen de la deliberación': 'Summary of the deliberation',
  'Diferir el punto': 'Defer item', Diferir: 'Defer', 'Cerrar la sesión': 'Close the session', 'Plazo de observaciones al acta (días)': 'Deadline for observations on the minutes (days)',
  'Observar el acta': 'Observe the minutes', Observación: 'Observation', 'Enviar observación': 'Send observation', 'Conformidad con el acta': 'Agreement with the minutes',
  'Dar conformidad': 'Agree', 'Aprobar el acta': 'Approve the minutes', Videollamada: 'Video call', Agenda: 'Agenda', Asistencia: 'Attendance',
  Presente: 'Present', Ausente: 'Absent', 'Sin confirmar': 'Not confirmed', Posiciones: 'Positions', Acta: 'Minutes', 'Plazo de observaciones': 'Deadline for observations',
  'Acta firmada (PDF)': 'Signed minutes (PDF)', 'Aún no hay actas aprobadas.': 'No approved minutes yet.',
  'Aprobada por silencio': 'Approved by silence', 'Aprobada expresamente': 'Approved expressly', Conformidad: 'Agreed', 'Con observaciones': 'With observations',
  'Silencio (aprobación)': 'Silence (approval)', Aprobada: 'Approved', 'Cómo se aprobó': 'How it was approved', 'En firma': 'Being signed',
  'Verificar un acta': 'Verify minutes', 'Suba un archivo PDF para saber si es el acta firmada original de una sesión.': 'Upload a PDF file to learn whether it is the signed original of a session\'s minutes.',
  'Archivo PDF del acta': 'PDF file of the minutes', 'Elija el archivo PDF que quiere verificar.': 'Choose the PDF file you want to verify.',
  'El archivo es el acta firmada original: idéntico byte a byte.': 'The file is the signed original of the minutes: identical byte for byte.',
  'El archivo NO es el acta firmada original: su contenido difiere (SHA-256 distinto).': 'The file is NOT the signed original of the minutes: its content differs (a different SHA-256).',
  'El archivo enviado («pdf») no es un PDF: no empieza con «%PDF-».': 'The file sent («pdf») is not a PDF: it does not start with «%PDF-».',
  'La agenda necesita al menos un punto: elija una propuesta o escriba otro punto.': 'The agenda needs at least one item: choose a proposal or write another item.',
  'Indique el correo del representante.': 'Give the representative\'s email.', 'El plazo de observaciones debe ser de al menos un día.': 'The deadline for observations must be at least one day.',
  'Sesión convocada.': 'Session convened.', 'Asistencia confirmada.': 'Attendance confirmed.', 'Sesión abierta.': 'Session opened.', 'Posición registrada.': 'Position recorded.',
  'Punto cerrado.': 'Item closed.', 'Punto diferido.': 'Item deferred.', 'Sesión cerrada: el acta está en observación.': 'Session closed: the minutes are open for observations.',
  'Observación enviada.': 'Observation sent.', 'Conformidad con el acta registrada.': 'Agreement with the minutes recorded.', 'Acta aprobada y firmada.': 'Minutes approved and signed.',
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

/** The words of a decision's reason (domain/decision.ts writes them in Spanish), in the page's language. */
export function decisionReason(lang: Lang, reason: string): string {
  if (lang === 'es') return reason;
  const patterns: Array<[RegExp, string]> = [
    [/^Sin quórum: respondieron (\d+) de (\d+) miembros; se requiere (\d+)\.$/, 'No quorum: $1 of $2 members answered; $3 required.'],
    [/^Consenso: ningún miembro objetó\.$/, 'Consensus: no member objected.'],
    [/^Sin consenso: (\d+) objeción\(es\)\.$/, 'No consensus: $1 objection(s).'],
    [/^Mayoría simple: (\d+) a favor de (\d+)\.$/, 'Simple majority: $1 in favour of $2.'],
    [/^Sin mayoría simple: (\d+) a favor de (\d+)\.$/, 'No simple majority: $1 in favour of $2.'],
    [/^Mayoría calificada: (\d+) a favor de (\d+) \(al menos dos tercios\)\.$/, 'Qualified majority: $1 in favour of $2 (at least two thirds).'],
    [/^Sin mayoría calificada: (\d+) a favor de (\d+) \(se requieren dos tercios\)\.$/, 'No qualified majority: $1 in favour of $2 (two thirds required).'],
  ];
  for (const [pattern, english] of patterns) if (pattern.test(reason)) return reason.replace(pattern, english);
  return reason;
}

const durationUnits: Array<[keyof NonNullable<ReturnType<typeof parseDuration>>, Record<Lang, [string, string]>]> = [
  ['years', { es: ['año', 'años'], en: ['year', 'years'] }], ['months', { es: ['mes', 'meses'], en: ['month', 'months'] }],
  ['weeks', { es: ['semana', 'semanas'], en: ['week', 'weeks'] }], ['days', { es: ['día', 'días'], en: ['day', 'days'] }],
  ['hours', { es: ['hora', 'horas'], en: ['hour', 'hours'] }], ['minutes', { es: ['minuto', 'minutos'], en: ['minute', 'minutes'] }],
  ['seconds', { es: ['segundo', 'segundos'], en: ['second', 'seconds'] }],
];

/** A period as people say it ("90 días", "6 months"); the text as given when it is not a duration. */
export function period(lang: Lang, iso: string): string {
  const d = parseDuration(iso);
  if (!d) return iso;
  return durationUnits.filter(([unit]) => d[unit] > 0).map(([unit, words]) => `${d[unit]} ${words[lang][d[unit] === 1 ? 0 : 1]}`).join(lang === 'es' ? ' y ' : ' and ');
}
