// Flows as destinations (FLOW-<id>): the call continues with the flow's FLOW slot. Other modules import from here only.
export { FlowStep, type FlowDirectory, type FlowStepDeps } from './flow-step.ts';
export { StoreFlowDirectory } from './store-flow-directory.ts';
