/**
 * The bench's synthetic tenant and its desired state, written as `export` writes state files: block
 * style, one folder of files of at most 100,000 users (a file may hold 20 MB, limits.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SeedFile } from "../../provider/local-tenant";

export const CHANGING = 0.05;
const USERS_PER_FILE = 100_000;

/**
 * Every present user listed as they are, and one in twenty asked for something else: in turn every
 * license removed, or Yammer switched off in Office 365 E3 (a plan change; users without E3 lose
 * their licenses instead). Written to `dir` as numbered files; returns the users listed and changing.
 */
export function writeDesiredState(seed: SeedFile, dir: string): { listed: number; changing: number; files: string[]; upns: string[] } {
  mkdirSync(dir, { recursive: true });
  const every = Math.round(1 / CHANGING);
  const files: string[] = [];
  const upns: string[] = [];
  let parts: string[] = [];
  let inFile = 0;
  let changing = 0;
  const flush = () => {
    if (inFile === 0) return;
    const name = join(dir, `users-${String(files.length).padStart(3, "0")}.yaml`);
    writeFileSync(name, `version: 1\nusers:\n${parts.join("")}`);
    files.push(name);
    parts = [];
    inFile = 0;
  };
  seed.users!.forEach((u, i) => {
    if (u.deletedDaysAgo !== undefined || u.usageLocation === null) return;
    const held = (u.licenses ?? []).map((l) => l.sku);
    upns.push(u.userPrincipalName.toLowerCase());
    let licenses = held.map((sku) => `      - ${sku}\n`).join("");
    if (i % every === 0) {
      changing++;
      const e3 = held.includes("ENTERPRISEPACK") && (i / every) % 2 === 1;
      licenses = e3 ? held.map((sku) => (sku === "ENTERPRISEPACK" ? `      - sku: ${sku}\n        disabledPlans: [YAMMER_ENTERPRISE]\n` : `      - ${sku}\n`)).join("") : "";
    }
    parts.push(licenses === "" ? `  ${u.userPrincipalName}:\n    licenses: []\n` : `  ${u.userPrincipalName}:\n    licenses:\n${licenses}`);
    if (++inFile === USERS_PER_FILE) flush();
  });
  flush();
  return { listed: upns.length, changing, files, upns };
}
