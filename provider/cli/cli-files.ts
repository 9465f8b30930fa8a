import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { UserError } from "../errors";

/** A path the user gave, against the working folder. */
export const userPath = (cwd: string, path: string): string => (isAbsolute(path) ? path : join(cwd, path));

/**
 * Runs a file operation on a path the user named; a refusal from the file system (a folder where a
 * file should be, no permission, a file in the middle of the path) is the user's to fix, so it
 * becomes a UserError naming the path rather than an internal error with a stack trace.
 */
export function onUserPath<T>(shown: string, what: string, operation: () => T): T {
  try {
    return operation();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code !== "string" || !err.syscall) throw e;
    throw new UserError(`${shown}: cannot ${what} (${err.code}${err.code === "EISDIR" ? ": it is a folder" : err.code === "ENOTDIR" || err.code === "EEXIST" ? ": a file is in the way" : ""})`);
  }
}

/** Write a file the user asked for (plan --out, export --out), creating its folder. */
export function writeUserFile(cwd: string, shown: string, content: string): void {
  const path = userPath(cwd, shown);
  onUserPath(shown, "write the file", () => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  });
}

/** Create a folder the user named (--data), or the folder of a file (--journal). */
export function ensureUserDir(shown: string, dir: string): void {
  onUserPath(shown, "create the folder", () => mkdirSync(dir, { recursive: true }));
}
