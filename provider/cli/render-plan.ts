import type { Plan } from "../plan/types";
import { terminalSafe } from "../util/terminal-safe";
import { renderJson } from "../report/render-json";
import { renderMarkdown } from "../report/render-markdown";
import { renderText } from "../report/render-text";
import type { ReportMode } from "../report/wording";

export type ReportFormat = "text" | "markdown" | "json";

/** One plan, in the format asked for; each names the tenant it was made against. */
export function renderPlan(plan: Plan, format: ReportFormat, options: { color: boolean; mode?: ReportMode }): string {
  switch (format) {
    case "json":
      return renderJson(plan); // JSON escapes what it must; it is the contract, byte for byte
    case "markdown":
      return renderMarkdown(printable(plan), { mode: options.mode });
    case "text":
      return renderText(printable(plan), { color: options.color, mode: options.mode });
  }
}

/**
 * The plan with every string made safe to show: names come from the state and from the tenant
 * (a SKU name, a group's display name), and a control character in one must not clear a terminal
 * or turn the text of a pull-request comment around.
 */
function printable<T>(value: T): T {
  if (typeof value === "string") return terminalSafe(value) as T;
  // A copy only where something had to change: a plan of 100,000 members is mostly safe already.
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const p = printable(v);
      if (p !== v) (out ??= [...value])[i] = p;
    });
    return (out ?? value) as T;
  }
  if (value && typeof value === "object") {
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const p = printable(v);
      if (p !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = p;
    }
    return (out ?? value) as T;
  }
  return value;
}

/** Colour on a terminal, for text, unless NO_COLOR is set (https://no-color.org). */
export function useColor(io: { isTTY: boolean; env: NodeJS.ProcessEnv }, format: ReportFormat): boolean {
  return io.isTTY && format === "text" && !io.env.NO_COLOR;
}
