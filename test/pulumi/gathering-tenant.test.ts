/** Writes that arrive together go out in one Tenant.write; each caller gets its own results. */
import { describe, expect, it } from "vitest";
import { GatheringTenant } from "../../provider/pulumi/gathering-tenant";
import type { Tenant, TenantWrite, WriteResult } from "../../provider/tenant/types";
import { writeSubject } from "../../provider/tenant/write-subject";

const write = (i: number): TenantWrite => ({ kind: "assignLicense", userId: `id-${i}`, upn: `u${i}@contoso.com`, addLicenses: [], removeLicenses: [`sku-${i}`] });

function inner(fail?: Error): Tenant & { calls: TenantWrite[][] } {
  const calls: TenantWrite[][] = [];
  return {
    describe: "fake",
    calls,
    readSnapshot: async () => Promise.reject(new Error("unused")),
    checkWriteAccess: async () => undefined,
    awaitGroupProcessing: async () => Promise.reject(new Error("unused")),
    async write(ws, options) {
      calls.push(ws);
      if (fail) throw fail;
      // Finish in reverse order, the odd ones failing: results must still reach their owners.
      const results: WriteResult[] = [...ws].reverse().map((w) => ({ write: w, ok: Number(writeSubject(w).id.slice(3)) % 2 === 0, status: Number(writeSubject(w).id.slice(3)) % 2 === 0 ? 200 : 400 }));
      results.forEach((r) => options?.onResult?.(r));
      return results;
    },
  };
}

describe("GatheringTenant", () => {
  it("sends concurrent callers' writes in one call and routes every result to its caller", async () => {
    const t = inner();
    const g = new GatheringTenant(t, 5);
    const seen: string[][] = [[], [], []];
    const outcomes = await Promise.all([0, 1, 2].map((c) => g.write([write(c * 2), write(c * 2 + 1)], { onResult: (r) => seen[c].push(writeSubject(r.write).id) })));
    expect(t.calls).toHaveLength(1);
    expect(t.calls[0]).toHaveLength(6);
    outcomes.forEach((results, c) => {
      expect(results.map((r) => writeSubject(r.write).id)).toEqual([`id-${c * 2}`, `id-${c * 2 + 1}`]);
      expect(results.map((r) => r.ok)).toEqual([true, false]);
      expect(seen[c].sort()).toEqual([`id-${c * 2}`, `id-${c * 2 + 1}`]);
    });
  });

  it("writes that come later go in a later call", async () => {
    const t = inner();
    const g = new GatheringTenant(t, 5);
    await g.write([write(0)]);
    await g.write([write(1)]);
    expect(t.calls.map((c) => c.length)).toEqual([1, 1]);
  });

  it("an aborted caller sends nothing; a failing call fails every caller in it", async () => {
    const t = inner();
    const g = new GatheringTenant(t, 5);
    const ac = new AbortController();
    ac.abort();
    const [aborted, sent] = await Promise.all([g.write([write(0)], { signal: ac.signal }), g.write([write(2)])]);
    expect(aborted[0]).toMatchObject({ ok: false, code: "Aborted" });
    expect(sent[0].ok).toBe(true);
    expect(t.calls).toEqual([[write(2)]]);

    const broken = new GatheringTenant(inner(new Error("unreachable")), 5);
    const both = await Promise.allSettled([broken.write([write(0)]), broken.write([write(1)])]);
    expect(both.map((o) => o.status)).toEqual(["rejected", "rejected"]);
  });
});
