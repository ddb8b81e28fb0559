// ISO 8601 durations ("P10D", "PT30S", "P1Y2M", "P2W") as the launch body carries them.
// Calendar parts (years, months, days, weeks) are added on the UTC calendar; time parts as
// exact milliseconds. Pure functions: the workflow computes deadlines with them from its own
// deterministic clock, and the API validates with the same code.

export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const pattern =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/**
 * The longest duration the Mesa plans with. Beyond it a deadline would leave the range of dates
 * (P300000Y) or of numbers (PT99999999999999999999S) and stop the workflow computing it.
 */
export const maxDurationYears = 10;
const maxDurationDays = maxDurationYears * 366;

/** Parses an ISO 8601 duration; returns null when the text is not one, is zero, or is longer than ten years. */
export function parseDuration(text: string): Duration | null {
  if (typeof text !== 'string' || text.length > 40) return null;
  const m = pattern.exec(text.trim().toUpperCase());
  if (!m) return null;
  const n = (i: number) => Number((m[i] ?? '0').replace(',', '.'));
  const d: Duration = {
    years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7),
  };
  const days = d.years * 366 + d.months * 31 + d.weeks * 7 + d.days + ((d.hours * 60 + d.minutes) * 60 + d.seconds) / 86_400;
  if (!(days <= maxDurationDays)) return null;
  return Object.values(d).some((v) => v > 0) ? d : null;
}

export function isDuration(text: string): boolean {
  return parseDuration(text) !== null;
}

/** The instant `text` after `from`. Throws on an invalid duration: callers validate first. */
export function addDuration(from: Date, text: string): Date {
  const d = parseDuration(text);
  if (!d) throw new RangeError(`Duración ISO 8601 inválida: ${text}`);
  const at = new Date(from.getTime());
  if (d.years || d.months) at.setUTCMonth(at.getUTCMonth() + d.years * 12 + d.months);
  if (d.weeks || d.days) at.setUTCDate(at.getUTCDate() + d.weeks * 7 + d.days);
  return new Date(at.getTime() + Math.round(((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000));
}

/** The instant `text` before `to` (a reminder "this long before the deadline"). */
export function subtractDuration(to: Date, text: string): Date {
  const d = parseDuration(text);
  if (!d) throw new RangeError(`Duración ISO 8601 inválida: ${text}`);
  const at = new Date(to.getTime() - Math.round(((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000));
  if (d.weeks || d.days) at.setUTCDate(at.getUTCDate() - d.weeks * 7 - d.days);
  if (d.years || d.months) at.setUTCMonth(at.getUTCMonth() - d.years * 12 - d.months);
  return at;
}

const limaFormat = new Intl.DateTimeFormat('es-PE', { timeZone: 'America/Lima', dateStyle: 'long', timeStyle: 'short' });

/** An instant as people in the Mesa read it: Lima time, in Spanish ("5 de diciembre de 2026, 10:30"). */
export function inLimaTime(iso: string): string {
  return limaFormat.format(new Date(iso));
}
