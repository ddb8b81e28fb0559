// Loaded into every workflow of the bundle (runtime/workflow-bundle.ts): before any update's own
// validator, the actor's signature is checked (workflows/actor-proof.ts). Here, not in each
// validator, so that no update can be added without it. The SDK validates only updates that have
// a validator: every update that takes an argument must have one (an empty one will do).
import { ApplicationFailure, defaultPayloadConverter, workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { actorProofHeader, actorProofRefusal } from './actor-proof';
import { refusals } from './messages';

/**
 * The hex Ed25519 public key, set by the worker in the bundle it loads (runtime/worker.ts): a
 * constant of the worker's code, not of any workflow's history, so workflows started before
 * actors were signed check them too, and replay never depends on it.
 */
export const actorPublicKeyGlobal = '__mesaActorPublicKey';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [{
    validateUpdate(input, next) {
      const header = input.headers[actorProofHeader];
      let proof: unknown;
      try {
        proof = header ? defaultPayloadConverter.fromPayload(header) : undefined;
      } catch {
        proof = undefined;
      }
      const publicKey = (globalThis as Record<string, unknown>)[actorPublicKeyGlobal];
      const refusal = actorProofRefusal(typeof publicKey === 'string' ? publicKey : undefined, proof, {
        workflowId: workflowInfo().workflowId, updateName: input.name, updateId: input.updateId, args: input.args,
      }, Date.now());
      if (refusal) throw ApplicationFailure.create({ type: refusals.untrusted, message: refusal, nonRetryable: true });
      next(input);
    },
  }],
});
