// Kubernetes resource quantities ("250m", "1.5Gi", "12345n", "1e3") as plain numbers: CPU in
// cores, memory in bytes. Enough for comparing usage with requests and limits in specs; the
// apiserver's canonical form is not needed.
const suffixes: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export function parseQuantity(q: string | number): number {
  if (typeof q === "number") return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/.exec(q.trim());
  if (!m) throw new Error(`not a Kubernetes quantity: "${q}"`);
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * suffixes[m[3] ?? ""]!;
}

/** Same amount, whatever the notation ("1" and "1000m", "1Gi" and "1073741824"). */
export function sameQuantity(a: string | undefined, b: string): boolean {
  return a !== undefined && Math.abs(parseQuantity(a) - parseQuantity(b)) < 1e-9 * Math.max(1, Math.abs(parseQuantity(b)));
}

/** Bytes as a whole number of MiB, the way a fixture would write it ("1536Mi"). */
export function mebibytes(bytes: number): string {
  return `${Math.floor(bytes / 2 ** 20)}Mi`;
}
