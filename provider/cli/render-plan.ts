import type { Plan } from "../plan/types";
import { renderJson } from "../report/render-json";
import { renderMarkdown } from "../report/render-markdown";
import { renderText } from "../report/render-text";
import type { ReportMode } from "../report/wording";

export type ReportFormat = "text" | "markdown" | "json";

/** One plan, in the format asked for; each names the tenant it was made against. */
export function renderPlan(plan: Plan, format: ReportFormat, options: { color: boolean; mode?: ReportMode }): string {
  switch (format) {
    case "json":
      return renderJson(plan);
    case "markdown":
      return renderMarkdown(plan, { mode: options.mode });
    case "text":
      return renderText(plan, { color: options.color, mode: options.mode });
  }
}

/** Colour on a terminal, for text, unless NO_COLOR is set (https://no-color.org). */
export function useColor(io: { isTTY: boolean; env: NodeJS.ProcessEnv }, format: ReportFormat): boolean {
  return io.isTTY && format === "text" && !io.env.NO_COLOR;
}
