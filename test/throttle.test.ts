// Api.request against a plain HTTP listener that turns requests away with 429 the way API
// Priority and Fairness does: the request is sent again (same method and body) after the delay,
// and a server that keeps refusing still ends in the ApiError.
import { describe, expect, it } from "vitest";
import { ApiError, retryDelayMs, throttleRetries, type Api } from "../harness/api/client.ts";
import { listen } from "./support/listener.ts";

async function serve(refusals: number): Promise<{ api: Api; bodies: string[] }> {
  const bodies: string[] = [];
  const api = await listen((req, res, body) => {
    bodies.push(`${req.method} ${body}`);
    if (bodies.length <= refusals) {
      res.writeHead(429, { "Content-Type": "application/json", "Retry-After": "0" });
      res.end(JSON.stringify({ kind: "Status", code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later." }));
    } else {
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ metadata: { name: "made" } }));
    }
  });
  return { api, bodies };
}

describe("requests turned away with 429", { concurrent: false }, () => {
  it("are sent again, body and all, until the server takes them", async () => {
    const { api, bodies } = await serve(2);
    const made = await api.request<{ metadata: { name: string } }>("POST", "/api/v1/namespaces", { body: { a: 1 } });
    expect(made.metadata.name).toBe("made");
    expect(bodies).toEqual(['POST {"a":1}', 'POST {"a":1}', 'POST {"a":1}']);
    expect(api.throttled).toBe(2);
  });

  it(`end in the 429 after ${throttleRetries} refusals more`, async () => {
    const { api, bodies } = await serve(1000);
    const err = await api.request("GET", "/api/v1/pods").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(429);
    expect(bodies).toHaveLength(throttleRetries + 1);
  });

  it("wait the Retry-After the server gave, else longer each time, never over 10 s", () => {
    expect(retryDelayMs("2", 1)).toBeGreaterThanOrEqual(1500);
    expect(retryDelayMs("2", 1)).toBeLessThanOrEqual(2500);
    expect(retryDelayMs("0", 1)).toBe(0);
    expect(retryDelayMs(undefined, 1)).toBeLessThan(retryDelayMs(undefined, 4));
    expect(retryDelayMs("3600", 1)).toBeLessThanOrEqual(12_500);
  });
});
