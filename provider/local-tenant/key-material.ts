import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface KeyMaterial {
  certPem: string;
  keyPem: string;
  certPath: string;
  /** HMAC key that signs access tokens. */
  signingKey: Buffer;
}

/**
 * The TLS certificate (self-signed, for 127.0.0.1 and localhost) and the token signing key, made
 * once per data dir and reused on restart so that clients trusting the certificate keep working.
 * HTTPS because @azure/identity accepts only https authorities and Graph's nextLinks are https.
 */
export async function ensureKeyMaterial(dataDir: string): Promise<KeyMaterial> {
  const certPath = join(dataDir, "tls-cert.pem");
  const keyPath = join(dataDir, "tls-key.pem");
  const signingPath = join(dataDir, "token-signing.key");
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    const notBeforeDate = new Date(Date.now() - 86_400_000);
    const pems = await generate([{ name: "commonName", value: "m365-licenses local tenant" }], {
      keyType: "ec",
      algorithm: "sha256",
      notBeforeDate,
      notAfterDate: new Date(notBeforeDate.getTime() + 10 * 365 * 86_400_000),
      extensions: [
        // Its own trust anchor: clients put this one certificate in their CA list.
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
      ],
    });
    writeFileSync(keyPath, pems.private, { mode: 0o600 });
    writeFileSync(certPath, pems.cert);
  }
  if (!existsSync(signingPath)) writeFileSync(signingPath, randomBytes(32).toString("hex"), { mode: 0o600 });
  return {
    certPem: readFileSync(certPath, "utf8"),
    keyPem: readFileSync(keyPath, "utf8"),
    certPath,
    signingKey: Buffer.from(readFileSync(signingPath, "utf8").trim(), "hex"),
  };
}
