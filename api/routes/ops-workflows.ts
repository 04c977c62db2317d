// Ops: find, inspect and act on any workflow without a database console. Ops keys only (the /v1/ops prefix is
// guarded here, and in ops.ts); every action is written to the audit log.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type Payload } from '@temporalio/common';
import Long from 'long';
import { temporal as proto } from '@temporalio/proto';
import { z } from 'zod';
import { openAlerts } from '../../db/ops-alerts';
import { retryFailedPresaves } from '../../db/presaves';
import { audit } from '../../db/audit-log';
import { findCampaignOwner } from '../../db/campaigns';
import { EncryptionCodec } from '../../lib/temporal/encryption-codec';
import { connectionSignals } from '../../lib/starters/connection-token';
import { queryReleaseProgress, releaseSignals } from '../../lib/starters/release';
import { auth, requireRole } from '../auth';
import { type AppDeps } from '../deps';
import { opsResetBody, opsSignalBody } from '../schemas';
import { ApiError, notFound } from '../errors';
import { parseBody, parseParams, parseQuery } from '../validation';

const listQuery = z.strictObject({
  campaignId: z.string().uuid().optional(),
  accountId: z.string().uuid().optional(),
  kind: z
    .string()
    .regex(/^[a-z-]{1,40}$/)
    .optional(),
  status: z.enum(['Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut']).optional(),
  cursor: z.string().max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const workflowIdParam = z.object({
  workflowId: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9:_-]+$/),
});
const signals = { ...releaseSignals, ...connectionSignals } as const;

// Decoded payload fields whose values are never shown, even to ops.
const SECRET_KEY = /token|secret|password|verifier|email|phone/i;

export function opsWorkflowRoutes({ temporal, keyRing, config, pool, releaseEngine }: AppDeps): Router {
  const router = Router();
  router.use('/v1/ops', requireRole('ops')); // guarded here too, not only by where app.ts mounts it
  const codec = new EncryptionCodec(keyRing);
  const namespace = config.TEMPORAL_NAMESPACE;
  const record = (res: Parameters<typeof auth>[0], action: string, target: string) =>
    audit(pool, { accountId: auth(res).accountId, actor: 'ops', action, target });

  router.get('/v1/ops/workflows', async (req, res) => {
    const q = parseQuery(listQuery, req);
    const clauses = [
      q.campaignId && `CampaignId = '${q.campaignId}'`,
      q.accountId && `AccountId = '${q.accountId}'`,
      q.kind && `Kind = '${q.kind}'`,
      q.status && `ExecutionStatus = '${q.status}'`,
    ].filter(Boolean); // every value is validated to a safe alphabet above
    const page = await temporal.workflowService.listWorkflowExecutions({
      namespace,
      query: clauses.join(' AND '),
      pageSize: q.limit,
      nextPageToken: q.cursor ? Buffer.from(q.cursor, 'base64url') : undefined,
    });
    res.json({
      items: (page.executions ?? []).map((e) => ({
        workflowId: e.execution?.workflowId,
        runId: e.execution?.runId,
        type: e.type?.name,
        status: statusName(e.status),
        startTime: timestamp(e.startTime),
        closeTime: timestamp(e.closeTime),
        historyLength: Number(e.historyLength ?? 0),
      })),
      nextCursor: page.nextPageToken?.length ? Buffer.from(page.nextPageToken).toString('base64url') : null,
    });
  });

  router.get('/v1/ops/workflows/:workflowId', async (req, res) => {
    const { workflowId } = parseParams(workflowIdParam, req);
    const handle = temporal.workflow.getHandle(workflowId);
    const description = await describeOr404(handle);
    const pending = description.raw.pendingActivities ?? [];
    res.json({
      workflowId,
      runId: description.runId,
      type: description.type,
      status: description.status.name,
      startTime: description.startTime.toISOString(),
      closeTime: description.closeTime?.toISOString() ?? null,
      historyLength: description.historyLength,
      pendingActivities: pending.map((a) => ({
        activityId: a.activityId,
        type: a.activityType?.name,
        attempt: a.attempt,
        state: (proto.api.enums.v1.PendingActivityState[a.state ?? 0] ?? 'UNSPECIFIED').replace(
          'PENDING_ACTIVITY_STATE_',
          '',
        ),
        lastFailure: a.lastFailure
          ? {
              message: redactText(a.lastFailure.message ?? ''),
              type: a.lastFailure.applicationFailureInfo?.type ?? null,
            }
          : null,
      })),
      progress:
        description.type === 'releaseWorkflow' && description.status.name === 'RUNNING'
          ? await queryReleaseProgress(handle).catch(() => null)
          : null,
    });
  });

  router.get('/v1/ops/workflows/:workflowId/history', async (req, res) => {
    const { workflowId } = parseParams(workflowIdParam, req);
    const handle = temporal.workflow.getHandle(workflowId);
    await describeOr404(handle);
    const history = await handle.fetchHistory();
    const events = [];
    for (const event of history.events ?? []) events.push(await summarise(event, codec));
    res.json({ workflowId, events });
  });

  router.post('/v1/ops/workflows/:workflowId/cancel', async (req, res) => {
    const { workflowId } = parseParams(workflowIdParam, req);
    await describeOr404(temporal.workflow.getHandle(workflowId));
    await temporal.workflow.getHandle(workflowId).cancel();
    await record(res, 'workflow_cancel', workflowId);
    res.json({ workflowId, requested: 'cancel' });
  });

  router.post('/v1/ops/workflows/:workflowId/terminate', async (req, res) => {
    const { workflowId } = parseParams(workflowIdParam, req);
    await describeOr404(temporal.workflow.getHandle(workflowId));
    await temporal.workflow.getHandle(workflowId).terminate(`terminated by ops (${auth(res).accountId})`);
    await record(res, 'workflow_terminate', workflowId);
    res.json({ workflowId, requested: 'terminate' });
  });

  /**
   * Reset: a new run replays the history up to a chosen workflow task (default: the first one) and goes on from
   * there with today's code — the repair for a run broken by a bug or terminated by mistake.
   */
  router.post('/v1/ops/workflows/:workflowId/reset', async (req, res) => {
    const { workflowId } = parseParams(workflowIdParam, req);
    const body = parseBody(opsResetBody, req);
    const description = await describeOr404(temporal.workflow.getHandle(workflowId));
    const history = await temporal.workflow.getHandle(workflowId, description.runId).fetchHistory();
    const taskEvents = (history.events ?? [])
      .filter((e) => e.eventType === proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
      .map((e) => Number(e.eventId));
    const eventId = body.eventId ?? taskEvents[0];
    if (!eventId || !taskEvents.includes(eventId)) {
      throw new ApiError(
        400,
        'validation_failed',
        'eventId must be a WORKFLOW_TASK_COMPLETED event of the latest run',
        { workflowTasks: taskEvents },
      );
    }
    const reset = (await temporal.workflowService.resetWorkflowExecution({
      namespace,
      workflowExecution: { workflowId, runId: description.runId },
      reason: body.reason,
      workflowTaskFinishEventId: Long.fromNumber(eventId),
      requestId: randomUUID(),
    })) as proto.api.workflowservice.v1.IResetWorkflowExecutionResponse;
    await record(res, 'workflow_reset', `${workflowId} to event ${eventId}`);
    res.json({ workflowId, resetTo: eventId, runId: reset.runId });
  });

  router.post('/v1/ops/workflows/:workflowId/signal', async (req, res) => {
    const { workflowId } = parseParams(workflowIdParam, req);
    const body = parseBody(opsSignalBody, req);
    await describeOr404(temporal.workflow.getHandle(workflowId));
    const signal = signals[body.name];
    await temporal.workflow.getHandle(workflowId).signal(signal as never, ...(body.args as never[]));
    await record(res, `workflow_signal:${body.name}`, workflowId);
    res.json({ workflowId, signalled: body.name });
  });

  /** Open alerts of the stuck-detection Schedule, newest first. */
  router.get('/v1/ops/alerts', async (_req, res) => {
    const alerts = await openAlerts(pool);
    res.json({
      items: alerts.map((a) => ({
        ...a,
        detail: redactText(a.detail),
        firstSeen: new Date(a.firstSeen).toISOString(),
        lastSeen: new Date(a.lastSeen).toISOString(),
      })),
    });
  });

  /** Failed pre-saves of a campaign go back to pending, due now, and the release engine is told. */
  router.post('/v1/ops/campaigns/:id/retry-failed', async (req, res) => {
    const { id } = parseParams(z.object({ id: z.string().uuid() }), req);
    const campaign = await findCampaignOwner(pool, id);
    if (!campaign) throw notFound('campaign'); // before anything is retried or audited
    const retried = await retryFailedPresaves(pool, id);
    if (retried > 0) {
      // The same signal-with-start as a late fan's: a run that had ended starts again, with its search attributes.
      await releaseEngine.presaveAdded({ id, accountId: campaign.accountId }, Date.now());
    }
    await record(res, 'campaign_retry_failed_presaves', `campaign:${id} presaves:${retried}`);
    res.json({ campaignId: id, retried });
  });

  return router;
}

async function describeOr404(handle: ReturnType<Client['workflow']['getHandle']>) {
  try {
    return await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw notFound('workflow');
    throw error;
  }
}

function statusName(status: proto.api.enums.v1.WorkflowExecutionStatus | null | undefined): string {
  return (proto.api.enums.v1.WorkflowExecutionStatus[status ?? 0] ?? 'UNSPECIFIED').replace(
    'WORKFLOW_EXECUTION_STATUS_',
    '',
  );
}

function timestamp(t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null {
  if (!t?.seconds) return null;
  return new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}

/** One line per event: its type, what it names (activity, timer, signal), and its payloads decoded and redacted. */
async function summarise(event: proto.api.history.v1.IHistoryEvent, codec: EncryptionCodec) {
  const type = proto.api.enums.v1.EventType[event.eventType ?? 0]?.replace('EVENT_TYPE_', '') ?? 'UNKNOWN';
  const attributes = Object.entries(event).find(([key, value]) => key.endsWith('EventAttributes') && value)?.[1] as
    Record<string, unknown> | undefined;
  const payloads = collectPayloads(attributes);
  const decoded = payloads.length ? await codec.decode(payloads).catch(() => null) : [];
  return {
    eventId: Number(event.eventId),
    time: timestamp(event.eventTime),
    type,
    activityType: (attributes?.activityType as { name?: string } | undefined)?.name ?? undefined,
    signalName: (attributes?.signalName as string | undefined) ?? undefined,
    payloads: decoded === null ? '[undecodable]' : decoded.map((p) => redact(parsePayload(p))),
  };
}

function collectPayloads(attributes: Record<string, unknown> | undefined): Payload[] {
  const out: Payload[] = [];
  for (const key of ['input', 'result', 'details']) {
    const value = attributes?.[key] as { payloads?: Payload[] } | undefined;
    if (value?.payloads) out.push(...value.payloads);
  }
  return out;
}

function parsePayload(p: Payload): unknown {
  try {
    return JSON.parse(Buffer.from(p.data ?? new Uint8Array()).toString('utf8'));
  } catch {
    return '[binary]';
  }
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v)]),
    );
  }
  return typeof value === 'string' ? redactText(value) : value;
}

/** Bearer-looking strings inside free text (a failure message quoting a token). */
function redactText(text: string): string {
  return text.replace(/\b(BQ|AQ|EAAB|ya29\.|1\/\/|dd_(artist|ops)_)[A-Za-z0-9._\-/]{8,}/g, '[redacted]');
}
