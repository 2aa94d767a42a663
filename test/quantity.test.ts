import { describe, expect, it } from "vitest";
import { mebibytes, parseQuantity, sameQuantity } from "../harness/api/quantity.ts";

describe("resource quantities", () => {
  it("reads CPU in cores from the forms metrics-server and fixtures use", () => {
    expect(parseQuantity("250m")).toBeCloseTo(0.25);
    expect(parseQuantity("2")).toBe(2);
    expect(parseQuantity("1234567n")).toBeCloseTo(0.001234567);
    expect(parseQuantity("15u")).toBeCloseTo(0.000015);
    expect(parseQuantity("0.5")).toBe(0.5);
  });

  it("reads memory in bytes, binary and decimal suffixes and exponents", () => {
    expect(parseQuantity("64Mi")).toBe(64 * 1024 * 1024);
    expect(parseQuantity("1.5Gi")).toBe(1.5 * 2 ** 30);
    expect(parseQuantity("43212Ki")).toBe(43212 * 1024);
    expect(parseQuantity("128k")).toBe(128_000);
    expect(parseQuantity("1e3")).toBe(1000);
    expect(parseQuantity("12M")).toBe(12e6);
  });

  it("refuses what is not a quantity, naming it", () => {
    expect(() => parseQuantity("12 Mi")).toThrow(/not a Kubernetes quantity: "12 Mi"/);
    expect(() => parseQuantity("Mi")).toThrow(/not a Kubernetes quantity/);
    expect(() => parseQuantity("1mi")).toThrow(/not a Kubernetes quantity/);
  });

  it("compares amounts whatever the notation", () => {
    expect(sameQuantity("1", "1000m")).toBe(true);
    expect(sameQuantity("1Gi", "1073741824")).toBe(true);
    expect(sameQuantity("600m", "0.6")).toBe(true);
    expect(sameQuantity("1Gi", "1G")).toBe(false);
    expect(sameQuantity(undefined, "0")).toBe(false);
  });

  it("writes whole MiB, rounding down", () => {
    expect(mebibytes(3 * 2 ** 20 + 5)).toBe("3Mi");
  });
});
