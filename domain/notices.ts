// The words of every message the Mesa sends by email: what happened, what is expected of the
// recipient and by when, and where to see it. Pure functions, so the texts are tested alone and
// a retried delivery renders nothing twice (the rendered text is stored with the delivery).
import { kindExpectation } from './catalogue';
import { formatDeadline } from './calendar';

export const notificationModes = ['inmediato', 'resumen_diario'] as const;
export type NotificationMode = (typeof notificationModes)[number];

export const deliveryChannels = ['email', 'webhook'] as const;
export type DeliveryChannel = (typeof deliveryChannels)[number];

/**
 * pendiente → enviando (an attempt started) → enviada; reintentando after an attempt that failed
 * but may pass later (with its error); fallida when the channel refused for good or retries ran out.
 */
export const deliveryStatuses = ['pendiente', 'enviando', 'reintentando', 'enviada', 'fallida'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** Kinds that also reach the institution's alterno contact: something was not done in time. */
export const escalationKinds: ReadonlySet<string> = new Set(['escalamiento', 'tarea_vencida']);

/** Kinds of message; what each is and expects of its recipient is in domain/catalogue.ts. `pendiente` is the inbox's own: something awaits the institution. */
export const notificationKinds = [
  'revision_grupo', 'consulta_abierta', 'revision', 'conformidad_solicitada', 'informacion', 'recordatorio', 'escalamiento', 'aporte_respondido',
  'decision', 'tarea_asignada', 'solicitud_tarea', 'solicitud_decidida', 'tarea_por_vencer', 'tarea_vencida', 'verificacion_pendiente',
  'tarea_verificada', 'tarea_devuelta', 'resumen_semanal', 'resumen_diario', 'informe_mensual', 'pendiente', 'plazo_movido',
  'convocatoria', 'confirmacion_pendiente', 'segunda_convocatoria', 'sesion_suspendida', 'sesion_cancelada', 'agenda_modificada',
  'acta_en_observacion', 'acta_observacion', 'acta_aprobada', 'acceso', 'prueba_webhook',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** One line of a digest: something waiting, or something the institution was told. */
export interface DigestLine {
  title: string;
  dueAt?: string | null;
  url: string;
}

export interface NoticeInput {
  kind: string;
  /** The sentence the workflow wrote: what happened. */
  title: string;
  institutionName: string;
  /** The page where it can be seen and acted on. */
  url: string;
  dueAt?: string | null;
  /** For digests: the items, soonest deadline first. */
  lines?: DigestLine[];
}

export interface RenderedNotice {
  subject: string;
  text: string;
  html: string;
}

/** The page of what a message is about: its task, its proposal, or the inbox (reports for the monthly one). Web pages link the same way, with publicUrl ''. */
export function pageUrl(publicUrl: string, n: { proposalId?: string | null; taskId?: string | null; sessionId?: string | null; kind?: string }): string {
  if (n.sessionId) return `${publicUrl}/sesiones/${encodeURIComponent(n.sessionId)}`;
  if (n.taskId) return `${publicUrl}/tareas/${encodeURIComponent(n.taskId)}`;
  if (n.proposalId) return `${publicUrl}/propuestas/${encodeURIComponent(n.proposalId)}`;
  return n.kind === 'informe_mensual' ? `${publicUrl}/informes` : `${publicUrl}/bandeja`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const signature = 'Mesa de Trabajo Intersectorial para la Gestión Migratoria (MTIGM)';

/** Subject, plain text and HTML of one message. Every value from users is escaped in the HTML. */
export function renderNotice(n: NoticeInput): RenderedNotice {
  const expected = kindExpectation(n.kind);
  const due = n.dueAt ? formatDeadline(n.dueAt) : null;
  const lines = n.lines ?? [];
  // Subjects are one line: a title with a line break would otherwise fold into a header.
  const subject = `[Mesa MTIGM] ${n.title}`.replace(/\s+/g, ' ').slice(0, 240);

  const text = [
    `${n.institutionName}:`,
    '',
    n.title,
    ...(lines.length ? ['', ...lines.map((l) => `- ${l.title}${l.dueAt ? ` (${formatDeadline(l.dueAt)})` : ''}\n  ${l.url}`)] : []),
    '',
    expected ? `Qué se espera: ${expected}` : 'No se requiere ninguna acción: es un aviso.',
    ...(due ? [`Plazo: ${due}`] : []),
    `Ver en la Mesa: ${n.url}`,
    '',
    `— ${signature}`,
  ].join('\n');

  const e = escapeHtml;
  const html = `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;line-height:1.5;max-width:40em">
<p>${e(n.institutionName)}:</p>
<p><strong>${e(n.title)}</strong></p>
${lines.length ? `<ul>${lines.map((l) => `<li><a href="${e(l.url)}">${e(l.title)}</a>${l.dueAt ? ` — ${e(formatDeadline(l.dueAt))}` : ''}</li>`).join('')}</ul>\n` : ''}<p>${expected ? `<strong>Qué se espera:</strong> ${e(expected)}` : 'No se requiere ninguna acción: es un aviso.'}</p>
${due ? `<p><strong>Plazo:</strong> ${e(due)}</p>\n` : ''}<p><a href="${e(n.url)}">Ver en la Mesa</a></p>
<p style="color:#555;font-size:90%">— ${e(signature)}</p>
</body></html>`;
  return { subject, text, html };
}
