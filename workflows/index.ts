// Every workflow the worker runs. Only deterministic code and type-only imports below this folder.
export { accountWelcomeWorkflow } from './account-welcome';
export { releaseWorkflow } from './release';
export { releaseHandoffWorkflow } from './release-handoffs';
export { fanRetentionWorkflow } from './fan-retention';
export { keyRotationWorkflow } from './key-rotation';
export { contactDeletionWorkflow, fanDeletionWorkflow } from './fan-deletion';
export { retentionSweepWorkflow } from './retention-sweep';
export { accountDeletionWorkflow } from './account-deletion';
export { outboxDeliveryWorkflow, reconsentNudgeWorkflow } from './mail';
export { connectionTokenWorkflow } from './connection-token';
export { stuckDetectionWorkflow } from './stuck-detection';
export { conversionDeliveryWorkflow } from './conversions';
export { adCopyWorkflow } from './ad-copy';
export { orderWorkflow } from './order';
export { subscriptionGraceWorkflow } from './subscription';
export { adCampaignWorkflow } from './ad-campaign';
export { adInsightsSyncWorkflow } from './ad-insights-sync';
export { attributionWorkflow } from './attribution';
