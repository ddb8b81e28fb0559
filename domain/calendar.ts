// The Mesa's calendar: which days are working days in Lima, and deadlines counted on them the way
// the Peruvian administration counts plazos (docs/domain.md#calendario-y-plazos).
//
// Dates are luxon DateTimes in the America/Lima zone, never UTC days: luxon is a maintained,
// immutable library built on Intl, with no Node built-ins and no clock of its own beyond
// Date.now, so the same module runs in the API, in activities and inside the workflow sandbox.
// Pure: the days a workflow relies on come to it from an activity, and so are in its history.
import { DateTime, Duration } from 'luxon';
import { addDuration, parseDuration, subtractDuration } from './durations';

export const limaZone = 'America/Lima';

/** A day of the Lima calendar, `YYYY-MM-DD`. */
export type IsoDate = string;

export const nonWorkingDayKinds = ['feriado', 'no_laborable'] as const;
/** `feriado`: a national (or, later, regional) holiday; `no_laborable`: a day the government declares non-working for the public sector. */
export type NonWorkingDayKind = (typeof nonWorkingDayKinds)[number];

export interface NonWorkingDay {
  date: IsoDate;
  reason: string;
  kind: NonWorkingDayKind;
  /** Built in by law (national holidays): it cannot be removed. */
  fixed: boolean;
  /** The decree or resolution that declared it, for decreed days. */
  reference?: string | null;
}

/**
 * National holidays on fixed dates: Decreto Legislativo 713, artículo 6, as amended (7 June,
 * 23 July, 6 August and 9 December were added in 2022–2023). Holy Thursday and Good Friday
 * follow Easter (nationalHolidays).
 */
const fixedHolidays: ReadonlyArray<[month: number, day: number, reason: string]> = [
  [1, 1, 'Año Nuevo'],
  [5, 1, 'Día del Trabajo'],
  [6, 7, 'Batalla de Arica y Día de la Bandera'],
  [6, 29, 'San Pedro y San Pablo'],
  [7, 23, 'Día de la Fuerza Aérea del Perú'],
  [7, 28, 'Fiestas Patrias'],
  [7, 29, 'Fiestas Patrias'],
  [8, 6, 'Batalla de Junín'],
  [8, 30, 'Santa Rosa de Lima'],
  [10, 8, 'Combate de Angamos'],
  [11, 1, 'Día de Todos los Santos'],
  [12, 8, 'Inmaculada Concepción'],
  [12, 9, 'Batalla de Ayacucho'],
  [12, 25, 'Navidad'],
];

/** Easter Sunday of the Gregorian calendar (the anonymous Gregorian computus, Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return day1(year, month, day).toISODate()!;
}

const day1 = (year: number, month: number, day: number) => DateTime.fromObject({ year, month, day }, { zone: limaZone });

/** A Lima day from its `YYYY-MM-DD`; throws on anything else (callers validate first). */
export function limaDay(date: IsoDate): DateTime {
  const d = DateTime.fromISO(date, { zone: limaZone });
  if (!isIsoDate(date) || !d.isValid) throw new RangeError(`Fecha inválida: ${date}`);
  return d.startOf('day');
}

/** A real calendar day written `YYYY-MM-DD` (not 2027-02-29). */
export function isIsoDate(text: unknown): text is IsoDate {
  return typeof text === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(text) && DateTime.fromISO(text, { zone: limaZone }).isValid;
}

/** The Lima day an instant falls on. */
export function limaDate(at: Date): IsoDate {
  return DateTime.fromJSDate(at, { zone: limaZone }).toISODate()!;
}

/** Peru's national holidays of a year, Holy Thursday and Good Friday included, by date. */
export function nationalHolidays(year: number): NonWorkingDay[] {
  const easter = limaDay(easterSunday(year));
  const days: NonWorkingDay[] = [
    ...fixedHolidays.map(([month, day, reason]) => ({ date: day1(year, month, day).toISODate()!, reason, kind: 'feriado' as const, fixed: true })),
    { date: easter.minus({ days: 3 }).toISODate()!, reason: 'Jueves Santo', kind: 'feriado', fixed: true },
    { date: easter.minus({ days: 2 }).toISODate()!, reason: 'Viernes Santo', kind: 'feriado', fixed: true },
  ];
  return days.sort((x, y) => x.date.localeCompare(y.date));
}

/** The longest plazo the Mesa plans with, as for ISO durations (domain/durations.ts). */
export const maxDeadlineYears = 10;
const maxCalendarDays = maxDeadlineYears * 366;
const maxWorkingDays = maxDeadlineYears * 261;

/**
 * Working days in Lima: Monday to Friday, less the national holidays and the days this calendar
 * was given (decreed non-working days; regional holidays for a regional calendar).
 */
export class WorkingCalendar {
  private readonly extra: ReadonlySet<IsoDate>;
  private readonly holidays = new Map<number, ReadonlySet<IsoDate>>();

  constructor(nonWorkingDays: Iterable<IsoDate | { date: IsoDate }> = []) {
    this.extra = new Set([...nonWorkingDays].map((d) => (typeof d === 'string' ? d : d.date)));
  }

  private national(year: number): ReadonlySet<IsoDate> {
    let set = this.holidays.get(year);
    if (!set) this.holidays.set(year, (set = new Set(nationalHolidays(year).map((h) => h.date))));
    return set;
  }

  isWorkingDay(date: IsoDate): boolean {
    return this.works(limaDay(date));
  }

  private works(d: DateTime): boolean {
    if (d.weekday > 5) return false;
    const date = d.toISODate()!;
    return !this.national(d.year).has(date) && !this.extra.has(date);
  }

  /** The n-th working day after `date` (counting starts the next day: a plazo never includes the day it starts). */
  addWorkingDays(date: IsoDate, n: number): IsoDate {
    if (!Number.isInteger(n) || n < 0 || n > maxWorkingDays) throw new RangeError(`Número de días hábiles inválido: ${n}`);
    return this.stepWorkingDays(date, n, 1);
  }

  /** The n-th working day before `date` (for reminders "n working days before"). */
  subtractWorkingDays(date: IsoDate, n: number): IsoDate {
    return this.stepWorkingDays(date, n, -1);
  }

  /** The n-th working day from `date` onwards (step 1) or backwards (step -1), `date` itself not counted. */
  private stepWorkingDays(date: IsoDate, n: number, step: 1 | -1): IsoDate {
    let d = limaDay(date);
    for (let left = n; left > 0;) {
      d = d.plus({ days: step });
      if (this.works(d)) left--;
    }
    return d.toISODate()!;
  }

  /** Working days after `from` up to and including `to`; 0 when `to` is not after `from`. */
  countWorkingDays(from: IsoDate, to: IsoDate): number {
    let n = 0;
    const end = limaDay(to);
    for (let d = limaDay(from).plus({ days: 1 }); d <= end; d = d.plus({ days: 1 })) {
      if (this.works(d)) n++;
    }
    return n;
  }

  /** `date` itself when it is a working day, else the first working day after it. */
  onOrAfter(date: IsoDate): IsoDate {
    let d = limaDay(date);
    while (!this.works(d)) d = d.plus({ days: 1 });
    return d.toISODate()!;
  }

  /** `date` itself when it is a working day, else the last working day before it. */
  onOrBefore(date: IsoDate): IsoDate {
    let d = limaDay(date);
    while (!this.works(d)) d = d.minus({ days: 1 });
    return d.toISODate()!;
  }
}

/** The close of the working day, `HH:MM` Lima time (MESA_CLOSE_OF_DAY; 17:00 by default). */
export const defaultCloseOfDay = '17:00';
export const closeOfDayPattern = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The instant a day closes, Lima time. */
export function endOfDay(date: IsoDate, closeOfDay = defaultCloseOfDay): Date {
  const [hour, minute] = closeOfDay.split(':').map(Number);
  return limaDay(date).set({ hour: hour!, minute: minute! }).toJSDate();
}

/**
 * Where a deadline or a reminder is given: working days, calendar days, a fixed date, or an ISO
 * 8601 duration (exact time; seconds allowed for tests and demos).
 */
export type DeadlineExpression = string | { workingDays: number } | { days: number } | { until: IsoDate };

/** How long before a deadline (a reminder) or how much longer (an extension): no fixed date. */
export type ReminderExpression = Exclude<DeadlineExpression, { until: IsoDate }>;

/** The units of a deadline in days. */
export const deadlineUnits = ['workingDays', 'days'] as const;
export type DeadlineUnit = (typeof deadlineUnits)[number];

export const isWorkingDays = (e: DeadlineExpression): e is { workingDays: number } => typeof e === 'object' && 'workingDays' in e;
export const isCalendarDays = (e: DeadlineExpression): e is { days: number } => typeof e === 'object' && 'days' in e;
export const isUntil = (e: DeadlineExpression): e is { until: IsoDate } => typeof e === 'object' && 'until' in e;

/**
 * What is wrong with a deadline expression, as a Spanish sentence naming `field`, or null.
 * `now` only matters for a fixed date, which must not be in the past. `reminder`: the value is
 * "this long before a deadline", so a fixed date makes no sense.
 */
export function deadlineProblem(field: string, value: unknown, now: Date, opts: { reminder?: boolean } = {}): string | null {
  const example = opts.reminder ? '{"workingDays": 3} o P3D' : '{"workingDays": 10}, {"days": 30}, {"until": "2027-03-15"} o P10D';
  if (typeof value === 'string') {
    return parseDuration(value) ? null : `«${field}»: «${value}» no es un plazo válido (por ejemplo ${example}); una duración ISO 8601 debe ser de hasta ${maxDeadlineYears} años.`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length !== 1) {
    return `«${field}» debe ser un plazo: por ejemplo ${example}.`;
  }
  const [key, n] = Object.entries(value)[0]!;
  if (key === 'workingDays' || key === 'days') {
    const max = key === 'days' ? maxCalendarDays : maxWorkingDays;
    if (typeof n !== 'number' || !Number.isInteger(n)) return `«${field}.${key}» debe ser un número entero de días.`;
    if (n < 1) return `«${field}.${key}» debe ser de al menos un día.`;
    if (n > max) return `«${field}.${key}» no puede pasar de ${maxDeadlineYears} años (${max} días).`;
    return null;
  }
  if (key === 'until' && !opts.reminder) {
    if (!isIsoDate(n)) return `«${field}.until» debe ser una fecha AAAA-MM-DD.`;
    const today = limaDate(now);
    if (n < today) return `«${field}.until»: la fecha ${n} ya pasó.`;
    if (n > limaDay(today).plus({ years: maxDeadlineYears }).toISODate()!) return `«${field}.until» no puede estar a más de ${maxDeadlineYears} años.`;
    return null;
  }
  return `«${field}»: «${key}» no es una forma de plazo conocida (por ejemplo ${example}).`;
}

/** A deadline that starts at `from`: the instant it ends. Throws on an invalid expression (callers validate first). */
export function resolveDeadline(from: Date, expression: DeadlineExpression, calendar: WorkingCalendar, closeOfDay = defaultCloseOfDay): Date {
  if (typeof expression === 'string') {
    if (!parseDuration(expression)) throw new RangeError(`Plazo inválido: ${expression}`);
    // Calendar parts on Lima's calendar (31 January + 1 month is 28 February), time parts exact.
    return DateTime.fromJSDate(from, { zone: limaZone }).plus(Duration.fromISO(expression.toUpperCase().replace(',', '.'))).toJSDate();
  }
  const start = limaDate(from);
  if (isWorkingDays(expression)) return endOfDay(calendar.addWorkingDays(start, expression.workingDays), closeOfDay);
  // A plazo whose last day is not a working day runs to the next one (Ley 27444, TUO art. 145.2).
  if (isCalendarDays(expression)) return endOfDay(calendar.onOrAfter(limaDay(start).plus({ days: expression.days }).toISODate()!), closeOfDay);
  return endOfDay(calendar.onOrAfter(expression.until), closeOfDay);
}

/**
 * When a reminder "this long before" a deadline fires: n working days before, at the same hour;
 * an ISO duration in days is moved back to the last working day before it lands (no reminder on
 * a Sunday or on 28 July); one of hours, minutes or seconds stays exact (tests and demos).
 */
export function resolveReminder(deadline: Date, expression: DeadlineExpression, calendar: WorkingCalendar): Date {
  const due = DateTime.fromJSDate(deadline, { zone: limaZone });
  const time = { hour: due.hour, minute: due.minute, second: due.second, millisecond: due.millisecond };
  if (isWorkingDays(expression)) return limaDay(calendar.subtractWorkingDays(due.toISODate()!, expression.workingDays)).set(time).toJSDate();
  if (isCalendarDays(expression)) return limaDay(calendar.onOrBefore(due.minus({ days: expression.days }).toISODate()!)).set(time).toJSDate();
  if (typeof expression !== 'string') throw new RangeError('Un recordatorio no puede ser una fecha fija.');
  const d = parseDuration(expression);
  if (!d) throw new RangeError(`Plazo inválido: ${expression}`);
  const at = due.minus(Duration.fromISO(expression.toUpperCase().replace(',', '.')));
  if (!(d.years || d.months || d.weeks || d.days)) return at.toJSDate();
  const day = calendar.onOrBefore(at.toISODate()!);
  return day === at.toISODate() ? at.toJSDate() : limaDay(day).set({ hour: at.hour, minute: at.minute, second: at.second }).toJSDate();
}

/** Where a day stands: the periodic digests and reports go out on the first working day of their week or month. */
export interface WorkingDayFacts {
  working: boolean;
  firstOfWeek: boolean;
  firstOfMonth: boolean;
  /** The working day before, whose digest time starts what a daily digest covers. */
  previousWorkingDay: IsoDate;
}

export function workingDayFacts(calendar: WorkingCalendar, date: IsoDate): WorkingDayFacts {
  const d = limaDay(date);
  const before = (from: DateTime) => {
    for (let x = from; x < d; x = x.plus({ days: 1 })) if (calendar.isWorkingDay(x.toISODate()!)) return true;
    return false;
  };
  const working = calendar.isWorkingDay(date);
  return {
    working,
    firstOfWeek: working && !before(d.startOf('week')),
    firstOfMonth: working && !before(d.startOf('month')),
    previousWorkingDay: calendar.onOrBefore(d.minus({ days: 1 }).toISODate()!),
  };
}

/**
 * The calendar a running process counts on: the recorded non-working days (the national holidays
 * are built in) and the close of day. A workflow gets it from an activity, so it is in its history.
 */
export interface CalendarView { nonWorkingDays: IsoDate[]; closeOfDay: string }
export const nationalCalendarView: CalendarView = { nonWorkingDays: [], closeOfDay: defaultCloseOfDay };

/**
 * A deadline in a process: an ISO 8601 duration is added as it always was (domain/durations.ts,
 * exact, so histories recorded before the calendar replay unchanged); days and dates are counted
 * on the calendar.
 */
export function deadlineAt(from: Date, expression: DeadlineExpression, calendar: CalendarView = nationalCalendarView): Date {
  if (typeof expression === 'string') return addDuration(from, expression);
  return resolveDeadline(from, expression, new WorkingCalendar(calendar.nonWorkingDays), calendar.closeOfDay);
}

/** A reminder's instant in a process, on the same terms as deadlineAt. */
export function reminderAt(deadline: Date, expression: ReminderExpression, calendar: CalendarView = nationalCalendarView): Date {
  if (typeof expression === 'string') return subtractDuration(deadline, expression);
  return resolveReminder(deadline, expression, new WorkingCalendar(calendar.nonWorkingDays));
}

/** An expression as a stable text, for timer keys (an ISO duration is its own text, as before). */
export const expressionKey = (e: DeadlineExpression): string => (typeof e === 'string' ? e : JSON.stringify(e));

/** Whether an expression counts whole days (and so ends at the close of a day and moves with the calendar). */
export const countsDays = (e: DeadlineExpression): boolean => typeof e !== 'string';

type Lang = 'es' | 'en';

/** An expression as people say it: "10 días hábiles", "30 días calendario", "hasta el 15 de marzo de 2027". */
export function describeDeadline(expression: DeadlineExpression, lang: Lang = 'es'): string {
  const plural = (n: number, es: [string, string], en: [string, string]) =>
    `${n} ${lang === 'es' ? es[n === 1 ? 0 : 1] : en[n === 1 ? 0 : 1]}`;
  if (isWorkingDays(expression)) return plural(expression.workingDays, ['día hábil', 'días hábiles'], ['working day', 'working days']);
  if (isCalendarDays(expression)) return plural(expression.days, ['día calendario', 'días calendario'], ['calendar day', 'calendar days']);
  if (isUntil(expression)) return lang === 'es' ? `hasta el ${longDate(expression.until, lang)}` : `until ${longDate(expression.until, lang)}`;
  return expression;
}

const locale = (lang: Lang) => (lang === 'es' ? 'es-PE' : 'en-GB');

/** "viernes 4 de diciembre de 2026" / "Friday 4 December 2026". */
export function longDate(date: IsoDate, lang: Lang = 'es'): string {
  return limaDay(date).setLocale(locale(lang)).toFormat(lang === 'es' ? "cccc d 'de' MMMM 'de' yyyy" : 'cccc d MMMM yyyy');
}

/**
 * A deadline as people say it: "vence el viernes 4 de diciembre de 2026 a las 17:00 (10 días
 * hábiles)"; "due on Friday 4 December 2026 at 17:00 (10 working days)".
 */
export function formatDeadline(at: Date | string, expression?: DeadlineExpression, lang: Lang = 'es'): string {
  const due = DateTime.fromJSDate(new Date(at), { zone: limaZone });
  const day = longDate(due.toISODate()!, lang);
  const time = due.toFormat('HH:mm');
  const what = expression !== undefined && countsDays(expression) ? ` (${describeDeadline(expression, lang)})` : '';
  return lang === 'es' ? `vence el ${day} a las ${time}${what}` : `due on ${day} at ${time}${what}`;
}

/** How much is left, in working days: "quedan 3 días hábiles", "vence hoy", "venció". */
export function formatRemaining(now: Date, at: Date | string, calendar: WorkingCalendar, lang: Lang = 'es'): string {
  const due = new Date(at);
  if (due.getTime() <= now.getTime()) return lang === 'es' ? 'venció' : 'overdue';
  const n = calendar.countWorkingDays(limaDate(now), limaDate(due));
  if (n === 0) return lang === 'es' ? 'vence hoy' : 'due today';
  if (lang === 'es') return n === 1 ? 'queda 1 día hábil' : `quedan ${n} días hábiles`;
  return n === 1 ? '1 working day left' : `${n} working days left`;
}
