// One durable workflow per proposal (DOMAIN.md, Process 1). Deterministic code only: every
// side effect is an activity, every clock read is the workflow's own.
import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { addDuration } from '../domain/durations';
import { launchRecordedUpdate, stateQuery, type ProposalInput, type ProposalState } from './messages';

const { recordProposalLaunched } = proposalActivities();

function proposalActivities() {
  return proxyActivities<ReturnType<typeof createActivities>>({
    startToCloseTimeout: '30 seconds',
    // Projection writes are idempotent, so retrying them forever is safe: a database outage
    // delays the proposal, it never loses it.
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });
}

export async function proposalWorkflow(input: ProposalInput): Promise<ProposalState> {
  const { plan } = input;
  const firstStage = plan.stages[0]!;
  const launchedAt = new Date(workflowInfo().startTime);
  const state: ProposalState = {
    status: 'en_curso',
    stage: firstStage,
    currentVersion: 1,
    deadlines: { [firstStage]: addDuration(launchedAt, plan.deadlines[firstStage]).toISOString() },
    recorded: false,
  };

  setHandler(stateQuery, () => state);
  setHandler(launchRecordedUpdate, async () => {
    await condition(() => state.recorded);
    return state;
  });

  await recordProposalLaunched({
    proposalId: input.proposalId,
    plan,
    launchedBy: input.launchedBy,
    at: launchedAt.toISOString(),
    stage: firstStage,
    deadlines: state.deadlines,
  });
  state.recorded = true;

  // The stages after launch (working group, consultation, revision, sign-off round) come next;
  // until then the proposal waits in its first stage.
  await condition(() => state.stage === 'cerrada');
  return state;
}
