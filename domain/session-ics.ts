// A session's calendar invitation (RFC 5546 iTIP): METHOD:REQUEST when convened, again with a
// higher SEQUENCE when it is rescheduled, METHOD:CANCEL when it is called off. The UID is the
// session's, so a calendar program updates the event it already has instead of adding another.
import { icsEscape, icsFold, icsStamp } from './ics-text';

export interface SessionInvitation {
  sessionId: string;
  method: 'REQUEST' | 'CANCEL';
  sequence: number;
  startsAt: Date;
  /** Sessions are planned for two hours; the acta records when they really ended. */
  durationMinutes?: number;
  summary: string;
  description: string;
  location: string | null;
  url: string;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string } | null;
  now: Date;
}

export function sessionInvitationIcs(i: SessionInvitation): string {
  const end = new Date(i.startsAt.getTime() + (i.durationMinutes ?? 120) * 60_000);
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//MTIGM//Mesa//ES', 'CALSCALE:GREGORIAN', `METHOD:${i.method}`,
    'BEGIN:VEVENT', `UID:sesion-${i.sessionId}@mesa.mtigm`, `SEQUENCE:${i.sequence}`, `DTSTAMP:${icsStamp(i.now)}`,
    `DTSTART:${icsStamp(i.startsAt)}`, `DTEND:${icsStamp(end)}`, `SUMMARY:${icsEscape(i.summary)}`,
    `DESCRIPTION:${icsEscape(i.description)}`, ...(i.location ? [`LOCATION:${icsEscape(i.location)}`] : []), `URL:${i.url}`,
    `ORGANIZER;CN=${quoted(i.organizer.name)}:mailto:${i.organizer.email}`,
    ...(i.attendee ? [`ATTENDEE;CN=${quoted(i.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${i.attendee.email}`] : []),
    `STATUS:${i.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`, 'END:VEVENT', 'END:VCALENDAR',
  ];
  return `${lines.map(icsFold).join('\r\n')}\r\n`;
}

/** A parameter value in double quotes, without the characters a quoted value may not hold. */
const quoted = (s: string) => `"${s.replace(/["\r\n\u0000-\u001f]/g, '')}"`;
