// Expected API errors are first-class: an operation that must be refused, and exactly how.
import { ApiError } from "./client.ts";
import { blamed, type Blame } from "../failures.ts";

/** The apiserver answered, otherwise than the claim says: an assertion on the cluster's answer. */
const answered: Blame = { on: "cluster", evidence: "assertion" };

export interface ExpectedError {
  code: number;
  reason?: string;
  message?: RegExp;
}

/** Runs the operation and returns the ApiError it must fail with; anything else is a failure. */
export async function expectApiError(op: Promise<unknown>, expected: ExpectedError, what = "the request"): Promise<ApiError> {
  let result: unknown;
  try {
    result = await op;
  } catch (e) {
    if (!(e instanceof ApiError)) throw new Error(`Expected ${what} to be refused with ${describeRefusal(expected)}, but it failed otherwise: ${String(e)}`, { cause: e });
    const problems: string[] = [];
    if (e.code !== expected.code) problems.push(`HTTP ${e.code} instead of ${expected.code}`);
    if (expected.reason !== undefined && e.status.reason !== expected.reason) problems.push(`reason ${e.status.reason ?? "(none)"} instead of ${expected.reason}`);
    if (expected.message && !expected.message.test(e.status.message ?? "")) problems.push(`message ${JSON.stringify(e.status.message ?? "")} does not match ${expected.message}`);
    if (problems.length) throw blamed(new Error(`Expected ${what} to be refused with ${describeRefusal(expected)}, but: ${problems.join("; ")}.\nStatus: ${JSON.stringify(e.status, null, 2)}`, { cause: e }), answered);
    return e;
  }
  throw blamed(new Error(`Expected ${what} to be refused with ${describeRefusal(expected)}, but it succeeded:\n${JSON.stringify(result, null, 2).slice(0, 2000)}`), answered);
}

function describeRefusal(e: ExpectedError): string {
  return `${e.code}${e.reason ? ` ${e.reason}` : ""}${e.message ? ` and a message matching ${e.message}` : ""}`;
}
