import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { institutionsReport, pnmReport, type DimensionRow } from '../../db/reports';
import { statusCountWords, valueLabel } from '../../domain/catalogue';
import { taskStatuses } from '../../domain/tasks';
import { proposalStatuses } from '../../domain/vocabulary';
import type { AppDeps } from '../deps';
import { toCsv } from '../csv';
import { institutionsReportForReader, readsDeliberation } from '../../domain/visibility';
import { readerOf } from '../reader';
import { InstitutionsReportBody, PnmReportBody, reportAnswer } from '../schemas';
import { userRoute } from '../action-route';

const wantsCsv = (request: FastifyRequest) => /text\/csv/.test(request.headers.accept ?? '');

function sendCsv(reply: FastifyReply, name: string, csv: string) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(csv);
}

export const reportRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  /** A report, in JSON or (Accept: text/csv) as CSV. */
  const reportRoute = <B extends Parameters<typeof reportAnswer>[0]>(operationId: string, summary: string, body: B) =>
    userRoute({ operationId, tags: ['informes'], summary: `${summary} (JSON, o CSV con Accept: text/csv).`, response: { 200: reportAnswer(body) } }, [400, 401, 503]);

  app.get('/reports/pnm', reportRoute('getPnmReport', 'Avance por objetivo de la PNM, población y grupo de trabajo', PnmReportBody), async (request, reply) => {
    // Civil society's figures count only the proposals it may read.
    const report = await pnmReport(deps.db, { publicOnly: !readsDeliberation(readerOf(request)) });
    if (!wantsCsv(request)) return report;
    const row = (dimension: string, r: DimensionRow) => [
      // A population is named, not coded; objectives (OE1…) and working groups (GT1…) are read by their codes.
      dimension, valueLabel(r.key), ...proposalStatuses.map((s) => r.proposals[s]), ...taskStatuses.map((s) => r.tasks[s]), r.tasksTotal, r.overdue,
    ];
    return sendCsv(reply, 'mesa-avance-pnm.csv', toCsv(
      ['Dimensión', 'Valor', ...proposalStatuses.map((s) => `Propuestas ${statusCountWords[s].es}`), ...taskStatuses.map((s) => `Tareas ${statusCountWords[s].es}`), 'Tareas en total', 'Tareas vencidas'],
      [
        ...report.objectives.map((r) => row('Objetivo PNM', r)),
        ...report.populations.map((r) => row('Población', r)),
        ...report.workingGroups.map((r) => row('Grupo de trabajo', r)),
      ],
    ));
  });

  app.get('/reports/institutions', reportRoute('getInstitutionsReport', 'Cumplimiento por institución miembro', InstitutionsReportBody), async (request, reply) => {
    const report = institutionsReportForReader(readerOf(request), await institutionsReport(deps.db));
    if (!wantsCsv(request)) return report;
    return sendCsv(reply, 'mesa-cumplimiento-instituciones.csv', toCsv(
      ['Código', 'Institución', ...taskStatuses.map((s) => `Tareas ${statusCountWords[s].es}`), 'Tareas vencidas', 'Días hábiles promedio para aceptar',
        'Conformidades respondidas', 'Conformidades tácitas', 'Horas promedio para responder', 'Días hábiles promedio para responder'],
      report.institutions.map((r) => [
        r.institution, r.name, ...taskStatuses.map((s) => r.tasks[s]), r.overdue, r.averageDaysToAccept,
        r.signoffsAnswered, r.signoffsTacit, r.averageHoursToAnswer, r.averageWorkingDaysToAnswer,
      ]),
    ));
  });
};
