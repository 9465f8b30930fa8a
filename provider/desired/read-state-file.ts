import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, statSync, type Stats } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { UserError, type Problem } from "../errors";
import { MAX_FILE_BYTES } from "./limits";

const STATE_FILE = /\.ya?ml$/i;

/**
 * The files a list of paths names: files as given, folders as their `*.yaml`/`*.yml` entries (not
 * recursive, sorted), so that a folder with one file per department is one state. A path that
 * does not lead anywhere is a UserError naming it; an entry of a folder that is not a regular file
 * (a dangling link, a link loop, a pipe) is kept, so that reading it reports it where it is.
 */
export function stateFiles(paths: string[], cwd = process.cwd()): string[] {
  if (paths.length === 0) throw new UserError("no desired-state file given", "Name a YAML file or a folder of them.");
  const files: string[] = [];
  for (const p of paths) {
    const full = resolve(cwd, p);
    let st: Stats;
    try {
      st = statSync(full);
    } catch (e) {
      throw new UserError(`${p}: ${pathTrouble(full, e, "no such file or folder")}`);
    }
    if (st.isDirectory()) {
      let entries;
      try {
        entries = readdirSync(full, { withFileTypes: true });
      } catch (e) {
        throw new UserError(`${p}: ${pathTrouble(full, e, "no such folder")}`);
      }
      const inDir = entries
        .filter((d) => STATE_FILE.test(d.name) && !d.isDirectory())
        .map((d) => d.name)
        .sort()
        .map((f) => join(p, f));
      if (inDir.length === 0) throw new UserError(`${p}: the folder holds no .yaml or .yml file`);
      files.push(...inDir);
    } else {
      files.push(p);
    }
  }
  return [...new Set(files.map((f) => (isAbsolute(f) ? f : relative(cwd, resolve(cwd, f)) || f)))];
}

/**
 * The bytes of a desired-state file, or a problem naming its path. Only a regular file is read: a
 * FIFO would block for ever, a device such as /dev/zero never ends, and merely opening some
 * devices has effects, so the type is checked before opening; the file is then opened
 * non-blocking (a FIFO put in its place meanwhile cannot block either) and checked again. At
 * most MAX_FILE_BYTES + 1 bytes are ever read, whatever the file claims its size to be.
 */
export function readStateFile(shown: string, full: string): { bytes: Uint8Array } | { problem: Problem } {
  const problem = (message: string) => ({ problem: { file: shown, line: 0, col: 0, message } });
  let fd: number | undefined;
  try {
    const before = notRegular(statSync(full));
    if (before) return problem(before);
    fd = openSync(full, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    const now = notRegular(st);
    if (now) return problem(now);
    if (st.size > MAX_FILE_BYTES) return problem(tooLarge(st.size));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(st.size + 1, 64 * 1024), MAX_FILE_BYTES + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_FILE_BYTES) return problem(tooLarge(total, "at least "));
    }
    return { bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total) };
  } catch (e) {
    return problem(pathTrouble(full, e, "no such file"));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const tooLarge = (bytes: number, atLeast = ""): string =>
  `file is ${atLeast}${(bytes / 1048576).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1048576} MB (split it into several files in a folder)`;

function notRegular(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return "is a folder, not a desired-state file";
  const kind = st.isFIFO() ? "a named pipe (FIFO)" : st.isCharacterDevice() ? "a character device" : st.isBlockDevice() ? "a block device" : st.isSocket() ? "a socket" : "not a regular file";
  return `is ${kind}; only regular files are read as desired state`;
}

/** Why the file system refused `full`, in words: a dangling link and a link loop are told apart. */
function pathTrouble(full: string, e: unknown, missing: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (typeof code !== "string") throw e;
  if (code === "ELOOP") return "is a symbolic link loop (a link that leads back to itself)";
  if (code === "ENOENT") {
    const link = linkTarget(full);
    return link === undefined ? missing : `is a symbolic link to ${link}, which does not exist`;
  }
  if (code === "ENOTDIR") return `${missing} (a file is in the way)`;
  if (code === "EACCES" || code === "EPERM") return "cannot be read: permission denied";
  if (code === "ENXIO") return "is a socket or a device with nothing behind it; only regular files are read as desired state";
  return `cannot be read (${code})`;
}

function linkTarget(full: string): string | undefined {
  try {
    return lstatSync(full).isSymbolicLink() ? readlinkSync(full) : undefined;
  } catch {
    return undefined;
  }
}
