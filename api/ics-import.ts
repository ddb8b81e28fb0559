// Non-working days read from an iCalendar file (a government or regional calendar exported by a
// calendar client): one day per all-day event, or per day of a multi-day event; a timed event
// counts for the Lima day it starts on. Anything that is not iCalendar is refused whole.
import ICAL from 'ical.js';
import { isIsoDate, limaDate, limaDay, type IsoDate } from '../domain/calendar';

export interface ImportedDay { date: IsoDate; reason: string }

/** The longest import: a year of days, more is not a calendar of holidays. */
export const maxImportedDays = 366;

export type IcsReading = { days: ImportedDay[] } | { problem: string };

export function readNonWorkingDays(text: string): IcsReading {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch {
    return { problem: 'no es un archivo iCalendar válido (RFC 5545).' };
  }
  if (root.name !== 'vcalendar') return { problem: 'debe empezar con BEGIN:VCALENDAR.' };
  const events = root.getAllSubcomponents('vevent');
  if (events.length === 0) return { problem: 'no contiene ningún evento (VEVENT).' };
  const days: ImportedDay[] = [];
  for (const [i, vevent] of events.entries()) {
    let start: ICAL.Time | null;
    let end: ICAL.Time | null;
    let summary: string;
    try {
      const event = new ICAL.Event(vevent);
      start = event.startDate;
      end = event.endDate;
      summary = (event.summary ?? '').trim();
    } catch {
      return { problem: `tiene un evento ilegible (el ${i + 1}.º).` };
    }
    if (!start) return { problem: `tiene un evento sin fecha de inicio (el ${i + 1}.º).` };
    if (!summary) return { problem: `tiene un evento sin título (el ${i + 1}.º), que sería el motivo del día no laborable.` };
    const first = start.isDate ? start.toString() : limaDate(start.toJSDate());
    if (!isIsoDate(first)) return { problem: `tiene un evento con una fecha inválida (el ${i + 1}.º).` };
    // An all-day event's end is exclusive: DTEND 2026-07-30 after DTSTART 2026-07-28 is two days.
    const last = start.isDate && end && end.isDate && end.toString() > first ? limaDay(end.toString()).minus({ days: 1 }).toISODate()! : first;
    for (let d = limaDay(first); d.toISODate()! <= last; d = d.plus({ days: 1 })) {
      days.push({ date: d.toISODate()!, reason: summary.slice(0, 300) });
      if (days.length > maxImportedDays) return { problem: `tiene más de ${maxImportedDays} días.` };
    }
  }
  return { days };
}
