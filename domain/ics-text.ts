// iCalendar (RFC 5545) text rules, shared by the deadline feeds (api/ics.ts) and the sessions'
// invitations (domain/session-ics.ts). Pure.

export const icsStamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * TEXT values (RFC 5545, 3.3.11): backslash, semicolon and comma escaped; every line break (CRLF,
 * LF or a bare CR, which clients also read as the end of a line) becomes backslash-n; other control
 * characters, which TEXT does not allow, are dropped. A title can then never start a property of
 * its own (`ATTENDEE:` and the like).
 */
export const icsEscape = (text: string) => text
  .replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,')
  .replace(/\r\n|\r|\n/g, '\\n')
  .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');

const encoder = new TextEncoder();

/** Lines longer than 75 octets are folded, never inside a UTF-8 character. */
export function icsFold(line: string): string {
  const out: string[] = [];
  let current = '';
  for (const ch of line) {
    if (encoder.encode(current + ch).length > (out.length ? 74 : 75)) {
      out.push(current);
      current = '';
    }
    current += ch;
  }
  out.push(current);
  return out.join('\r\n ');
}
