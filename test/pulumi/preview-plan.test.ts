/** The markdown plan's "No longer in the YAML" section: bounded, printed safely. */
import { describe, expect, it } from "vitest";
import { codeState } from "../../provider/pulumi/carry-out-plan";
import type { LettingGo } from "../../provider/pulumi/letting-go";
import { planMarkdown, warnReviewer } from "../../provider/pulumi/preview-plan";
import { COMMENT_LIMIT } from "../../provider/report/render-markdown";
import { plan } from "../../provider/plan/plan";
import { SnapshotBuilder } from "../plan/snapshot-builder";

const snapshot = new SnapshotBuilder().sku("ENTERPRISEPACK", 10).user("alice@x.com", { direct: ["ENTERPRISEPACK"] }).build();
const p = plan(codeState([{ upn: "alice@x.com", licenses: [] }]), snapshot, new Date(snapshot.takenAt));

describe("planMarkdown with users let go of", () => {
  it("lists at most 100 and counts the rest, and the whole stays under the comment limit", () => {
    const many: LettingGo = { leaving: [], refused: [], retained: Array.from({ length: 250 }, (_, i) => ({ upn: `u${i}@x.com`, resource: `UserLicenses/u${i}@x.com${"x".repeat(300)}` })) };
    const text = planMarkdown(p, many);
    expect(text).toContain("### No longer in the YAML");
    expect(text.match(/^- u\d+@x\.com is no longer in the YAML/gm)).toHaveLength(100);
    expect(text).toContain("- and 150 more");
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
  });

  it("escapes control characters that a file name may carry", () => {
    const text = planMarkdown(p, { leaving: [], refused: [], retained: [{ upn: "bob@x.com", resource: "LicenseSet/evil\u001b[2Jname" }] });
    expect(text).not.toContain("\u001b");
    expect(text).toContain("LicenseSet/evil");
  });

  it("without anyone let go, the plan is the CLI's markdown", () => {
    expect(planMarkdown(p, { leaving: [], refused: [], retained: [] })).not.toContain("No longer in the YAML");
  });
});

describe("warnReviewer", () => {
  it("warns of each subscription that may end under the seats the plan relies on", () => {
    const e3 = snapshot.skus[0]!;
    const withTrial = { ...snapshot, subscriptions: [{ id: "t1", skuId: e3.skuId, skuPartNumber: "ENTERPRISEPACK", status: "Enabled", nextLifecycleDateTime: "2027-06-01T00:00:00.000Z", isTrial: true, totalLicenses: 10 }] };
    const q = plan(codeState([{ upn: "alice@x.com", licenses: [{ skuId: e3.skuId, skuPartNumber: "ENTERPRISEPACK" }] }]), withTrial, new Date(snapshot.takenAt));
    const warned: string[] = [];
    warnReviewer(q, { warn: (t: string) => void warned.push(t), info: () => {} } as never);
    expect(warned).toStrictEqual([`subscription: ${q.subscriptions!.warnings[0]!.detail}`]);
    expect(warned[0]).toContain("ENTERPRISEPACK relies on subscription t1 (10 licenses), which is a trial");
  });

  it("prints Graph's data only as characters: a subscription id with an escape sequence or a bidi override is written out", () => {
    const e3 = snapshot.skus[0]!;
    const id = "t1\u001b[2J\u202e\r\nfake: all clear";
    const withTrial = { ...snapshot, subscriptions: [{ id, skuId: e3.skuId, skuPartNumber: "ENTERPRISEPACK", status: "Enabled", nextLifecycleDateTime: "2027-06-01T00:00:00.000Z", isTrial: true, totalLicenses: 10 }] };
    const q = plan(codeState([{ upn: "alice@x.com", licenses: [{ skuId: e3.skuId, skuPartNumber: "ENTERPRISEPACK" }] }]), withTrial, new Date(snapshot.takenAt));
    const lines: string[] = [];
    warnReviewer(q, { warn: (t: string) => void lines.push(t), info: (t: string) => void lines.push(t) } as never);
    expect(q.subscriptions!.warnings[0]!.detail).toContain(id); // the plan keeps the value; the log line escapes it
    expect(lines.join("|")).toContain("subscription t1\\x1b[2J\\u202e\\x0d\\x0afake: all clear");
    for (const l of lines) expect(l).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});
