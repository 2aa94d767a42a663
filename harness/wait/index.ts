export * from "./conditions.js";
export * from "./objects.js";
export * from "./workloads.js";
export { waitFor, never, WaitError, type Condition } from "./wait.js";
