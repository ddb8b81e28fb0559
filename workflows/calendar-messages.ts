// The calendar's message to running processes, declared once for the workflows and the API.
import { defineSignal } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';

/**
 * Non-working days were added: a process whose open deadline counts days re-reads the calendar
 * (through an activity) and moves that deadline if it now ends later. A signal, not an update:
 * nobody waits for it, and it proves nothing by itself, since the workflow believes the calendar
 * it reads from the database, never the dates the signal names.
 */
export const calendarChangedSignal = defineSignal<[{ dates: IsoDate[] }]>('calendarChanged');
