// The worker loads every workflow from this file.
export { proposalWorkflow } from './proposal';
export { taskWorkflow } from './task';
export { monthlyReportWorkflow, weeklyDigestWorkflow } from './schedules';
