// Named waits, one import for specs.
export * from "./conditions.ts";
export * from "./objects.ts";
export * from "./workloads.ts";
export * from "./storage.ts";
export * from "./autoscaling.ts";
export * from "./nodes.ts";
export * from "./quota.ts";
export * from "./services.ts";
export * from "./events.ts";
export { waitFor, never, WaitError, type Condition } from "./wait.ts";
export * from "./metrics.ts";
