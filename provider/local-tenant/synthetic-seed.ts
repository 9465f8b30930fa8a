import { guidFromName } from "./ids";
import { mulberry32 } from "./random";
import type { SeedFile, SeedUser } from "./seed-types";

export interface SyntheticSeedOptions {
  /** Number of users (present and deleted). */
  users: number;
  /** Share of users holding a direct license, 0..1 (default 0.9). */
  licensedShare?: number;
  /** Share of users soft-deleted a few days before `now` (default 0.005). */
  deletedShare?: number;
  /** Share of users with no usage location (default 0.01). */
  noUsageLocationShare?: number;
  /** Users per licensed group; groups hold AAD_PREMIUM and POWER_BI_PRO (default: 1 group per 5,000 users). */
  groupSize?: number;
  /** Random seed, so the same options give the same tenant (default 1). */
  seed?: number;
  domain?: string;
  now?: string;
}

/** The SKUs a synthetic tenant owns, with the share of licensed users given each. */
const MIX: { sku: string; share: number }[] = [
  { sku: "ENTERPRISEPACK", share: 0.6 },
  { sku: "SPE_E5", share: 0.15 },
  { sku: "EXCHANGESTANDARD", share: 0.15 },
  { sku: "SPE_E3", share: 0.1 },
];

/**
 * A large tenant for benchmarks (100,000 users seed in seconds: one transaction). Seats are bought
 * with 5% headroom over use, so plans that add licenses have room; users are `user000001@domain`.
 */
export function generateSyntheticSeed(options: SyntheticSeedOptions): SeedFile {
  const rnd = mulberry32(options.seed ?? 1);
  const domain = options.domain ?? "synthetic.example.com";
  const now = options.now ?? "2026-01-15T09:00:00Z";
  const licensed = options.licensedShare ?? 0.9;
  const deleted = options.deletedShare ?? 0.005;
  const noLocation = options.noUsageLocationShare ?? 0.01;
  const width = Math.max(6, String(options.users).length);
  const used = new Map<string, number>(MIX.map((m) => [m.sku, 0]));
  const users: SeedUser[] = [];
  for (let i = 1; i <= options.users; i++) {
    const alias = `user${String(i).padStart(width, "0")}`;
    const u: SeedUser = { userPrincipalName: `${alias}@${domain}`, displayName: `User ${i}` };
    if (rnd() < noLocation) u.usageLocation = null;
    else if (rnd() < licensed) {
      let pick = rnd();
      const m = MIX.find((x) => (pick -= x.share) < 0) ?? MIX[0];
      u.licenses = [{ sku: m.sku }];
      used.set(m.sku, used.get(m.sku)! + 1);
    }
    if (rnd() < deleted) u.deletedDaysAgo = 1 + Math.floor(rnd() * 28);
    users.push(u);
  }
  const groupSize = options.groupSize ?? 5_000;
  const groupCount = Math.max(1, Math.floor(options.users / groupSize));
  const groups = Array.from({ length: groupCount }, (_, g) => ({
    displayName: `Licensed group ${g + 1}`,
    licenses: [{ sku: g % 2 === 0 ? "AAD_PREMIUM" : "POWER_BI_PRO" }],
    members: users.slice(g * groupSize, (g + 1) * groupSize).map((u) => u.userPrincipalName),
  }));
  const headroom = (n: number): number => Math.ceil(n * 1.05) + 5;
  return {
    tenant: { id: guidFromName(`synthetic/${domain}/${options.users}`), domain, displayName: "Synthetic", defaultUsageLocation: "US" },
    now,
    skus: [
      ...MIX.map((m) => ({ sku: m.sku, enabled: headroom(used.get(m.sku)!) })),
      { sku: "AAD_PREMIUM", enabled: headroom(options.users) },
      { sku: "POWER_BI_PRO", enabled: headroom(options.users) },
    ],
    users,
    groups,
    apps: [
      {
        displayName: "m365-licenses-local",
        clientId: "0c5e2a9b-7f14-4d3e-8a61-2b9f0e7c4d58",
        clientSecret: "local-dev-secret",
        roles: ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.Read.All"],
        default: true,
      },
    ],
  };
}
