// iCalendar (RFC 5545) text for an institution's deadlines.
import type { Deadline } from '../db/calendar';

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
/**
 * TEXT values (RFC 5545, 3.3.11): backslash, semicolon and comma escaped; every line break (CRLF,
 * LF or a bare CR, which clients also read as the end of a line) becomes backslash-n; other control
 * characters, which TEXT does not allow, are dropped. A title can then never start a property of
 * its own (`ATTENDEE:` and the like).
 */
const escape = (text: string) => text
  .replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,')
  .replace(/\r\n|\r|\n/g, '\\n')
  .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');

/** Lines longer than 75 octets are folded, never inside a UTF-8 character. */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  for (const ch of line) {
    if (Buffer.byteLength(current + ch) > (out.length ? 74 : 75)) {
      out.push(current);
      current = '';
    }
    current += ch;
  }
  out.push(current);
  return out.join('\r\n ');
}

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
