// The one-workflow-per-fan comparison lives in bench/ (never in the production worker). Its id is here because a
// fan's erasure must find those workflows too (fan-deletion.ts), wherever they were started.
export const perFanPresaveWorkflowId = (presaveId: string) => `presave-fan:${presaveId}`;
