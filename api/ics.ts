// iCalendar (RFC 5545) text for an institution's deadlines.
import type { Deadline } from '../db/calendar';
import { icsEscape, icsFold, icsStamp } from '../domain/ics-text';

const stamp = icsStamp;
const escape = icsEscape;
const fold = icsFold;

export function toIcs(name: string, baseUrl: string, deadlines: Deadline[], now = new Date()): string {
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//MTIGM//Mesa//ES', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
    `X-WR-CALNAME:${escape(name)}`, 'X-WR-TIMEZONE:America/Lima',
  ];
  for (const d of deadlines) {
    lines.push(
      'BEGIN:VEVENT', `UID:${d.uid}`, `DTSTAMP:${stamp(now)}`, `DTSTART:${stamp(d.at)}`,
      `DTEND:${stamp(new Date(d.at.getTime() + 30 * 60_000))}`, `SUMMARY:${escape(d.summary)}`,
      `DESCRIPTION:${escape(d.description)}`, `URL:${baseUrl}${d.path}`,
      // Reminders a calendar client shows by itself, on working days before the deadline.
      ...(d.alarms ?? []).filter((a) => a.at < d.at).flatMap((a) => [
        'BEGIN:VALARM', 'ACTION:DISPLAY', `TRIGGER;VALUE=DATE-TIME:${stamp(a.at)}`, `DESCRIPTION:${escape(a.text)}`, 'END:VALARM',
      ]),
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
