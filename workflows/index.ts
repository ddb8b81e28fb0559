// The worker loads every workflow from this file.
export { proposalWorkflow } from './proposal';
export { taskWorkflow } from './task';
export { sessionWorkflow } from './session';
export { auditCheckpointWorkflow, dailyDigestWorkflow, monthlyReportWorkflow, processCheckWorkflow, weeklyDigestWorkflow } from './schedules';
export { deliveryWorkflow } from './deliveries';
export { calendarChangeWorkflow } from './calendar-change';
