import type { CliIo } from "./main";

export async function validateCommand(_args: string[], _io: CliIo): Promise<number> {
  return 1;
}
