import { describe, expect, it } from "vitest";
import { latencyOf } from "../../provider/local-tenant/latency";

const page = (n: number) => ({ status: 200, headers: {}, body: { value: Array.from({ length: n }, (_, i) => ({ id: String(i) })) } });

describe("the local tenant's answer time (a parameter, not a measurement)", () => {
  it("is off unless asked for", () => {
    expect(latencyOf(undefined, page(999), false)).toBe(0);
    expect(latencyOf({}, page(999), false)).toBe(0);
  });

  it("costs a request plus each object of a returned collection", () => {
    const l = { requestMs: 200, perObjectMs: 1.8 };
    expect(latencyOf(l, page(999), false)).toBeCloseTo(200 + 999 * 1.8);
    expect(latencyOf(l, page(0), false)).toBe(200);
    expect(latencyOf(l, { status: 204, headers: {} }, false)).toBe(200);
  });

  it("answers a $batch when its slowest item is done", () => {
    const l = { requestMs: 100, perObjectMs: 1 };
    const batch = { status: 200, headers: {}, body: { responses: [{ id: "1", status: 200, body: page(10).body }, { id: "2", status: 200, body: page(500).body }, { id: "3", status: 204 }] } };
    expect(latencyOf(l, batch, true)).toBe(600);
  });
});
