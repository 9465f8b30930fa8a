import { createHash } from "node:crypto";

/**
 * The content hash of a state's files: their names (as given, relative to the working folder) and
 * bytes, in order. A saved plan records it, and `apply --plan` refuses when the files it reads
 * now hash otherwise: the reviewer approved a plan of these bytes.
 */
export function sourceHash(files: { name: string; bytes: Uint8Array }[]): string {
  const h = createHash("sha256");
  for (const f of files) {
    const name = Buffer.from(f.name.replace(/\\/g, "/"), "utf8");
    h.update(`${name.length}:`).update(name).update(`${f.bytes.length}:`).update(f.bytes);
  }
  return h.digest("hex");
}
