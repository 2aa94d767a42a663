// Named waits, one import for specs.
export * from "./conditions.js";
export * from "./objects.js";
export * from "./workloads.js";
export * from "./storage.js";
export * from "./autoscaling.js";
export * from "./nodes.js";
export * from "./quota.js";
export * from "./services.js";
export * from "./events.js";
export { waitFor, never, WaitError, type Condition } from "./wait.js";
export * from "./metrics.js";
