// Signs every update the API sends with the actor it authenticated (workflows/actor-proof.ts).
// A client interceptor, so each route, web page and script that goes through this client is signed
// the same way, bound to the exact update id, workflow and arguments sent.
import { randomUUID, sign, type KeyObject } from 'node:crypto';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { actorProofHeader, actorProofLifetimeMs, actorProofMessage, toHex, type ActorProof, type SignedUpdate } from '../workflows/actor-proof';

export function signActorProof(privateKey: KeyObject, update: SignedUpdate): ActorProof {
  return { expiresAt: update.expiresAt, signature: toHex(sign(null, actorProofMessage(update), privateKey)) };
}

/** `expiresIn` is for tests (a signature already expired); the API always uses the default. */
export function actorSigning(privateKey: KeyObject, expiresIn = actorProofLifetimeMs): WorkflowClientInterceptor {
  return {
    async startUpdate(input, next) {
      // The id is signed too, so it is fixed here rather than left to the client.
      const updateId = input.options.updateId ?? randomUUID();
      const proof = signActorProof(privateKey, {
        workflowId: input.workflowExecution.workflowId, updateName: input.updateName, updateId,
        expiresAt: new Date(Date.now() + expiresIn).toISOString(), args: input.args,
      });
      return next({
        ...input,
        options: { ...input.options, updateId },
        headers: { ...input.headers, [actorProofHeader]: defaultPayloadConverter.toPayload(proof) },
      });
    },
  };
}
