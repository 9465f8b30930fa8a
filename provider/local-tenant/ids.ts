import { createHash, randomUUID } from "node:crypto";

/**
 * A stable GUID derived from a name (UUID version 5 layout over SHA-1), so that a seed without ids
 * gives the same object ids on every machine and tests can name them.
 */
export function guidFromName(name: string): string {
  const h = createHash("sha1").update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const newGuid = (): string => randomUUID();

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const looksLikeGuid = (s: string): boolean => GUID.test(s);

/** Client secrets are kept only as hashes in the data dir. */
export const secretHash = (secret: string): string => createHash("sha256").update(secret).digest("hex");
