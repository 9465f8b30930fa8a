/**
 * What to do with a write whose answer was lost, decided from the tenant, never guessed. A write is
 * checked when its answer was lost (no response: the tenant may have carried it out), or when it was
 * refused after an earlier attempt's answer was lost (a removal already done is refused with 400
 * "User does not have a corresponding license.", a delete or restore already done with 404:
 * graph-facts.md 1.4, 0, 5.3). The account is read (account-check.ts) and:
 * - it shows the write's effect → the write is ok, reported as found done, and never sent again;
 * - it does not, and the answer was lost → the write is sent again (it did not happen, so sending it
 *   cannot do anything twice);
 * - it does not, and the tenant refused the write → that refusal is the answer;
 * - the account could not be read → the write is reported failed: no one can say it happened.
 */
import type { AccountCheck } from "./account-check";
import type { WriteResult } from "./types";
import { writeTookEffect } from "./write-took-effect";

export interface CheckedWrite {
  /** The latest attempt's result (status 0 and code AnswerLost when no answer came back). */
  result: WriteResult;
  /** Whether the latest attempt's answer was lost (else the tenant refused it). */
  lost: boolean;
}

/** May a lost write be sent again: yes, or no because the run was aborted or the retries are spent. */
export type Resend = "allowed" | "aborted" | "exhausted";

export type Verdict = { verdict: "resend" } | { verdict: "final"; result: WriteResult };

export const FOUND_DONE = "found done after a lost answer: the tenant already shows this write, so it was not sent again";

export function decideLostAnswer(checked: CheckedWrite, check: AccountCheck, resend: Resend): Verdict {
  const { result, lost } = checked;
  const { write, attempts } = result;
  if ("readError" in check) {
    const why = lost ? "no answer came back" : `the tenant answered ${result.status} ${result.code}: ${result.message}`;
    return {
      verdict: "final",
      result: {
        ...result,
        ok: false,
        code: lost ? "AnswerLost" : result.code,
        message: `${why}, and reading the account to check failed (${check.status} ${check.readError.code}: ${check.readError.message})`,
      },
    };
  }
  if (writeTookEffect(write, check.account)) {
    const after = lost ? "" : ` (sent again, it was refused: ${result.status} ${result.code}: ${result.message})`;
    return { verdict: "final", result: { write, ok: true, status: check.status, attempts, message: FOUND_DONE + after } };
  }
  if (!lost) return { verdict: "final", result };
  if (resend === "allowed") return { verdict: "resend" };
  const code = resend === "aborted" ? "Aborted" : "AnswerLost";
  const why = resend === "aborted" ? "the run was aborted before it was sent again" : `no answer came back after ${attempts ?? 1} attempts`;
  return { verdict: "final", result: { ...result, ok: false, code, message: `${why}, and the tenant does not show the write` } };
}
