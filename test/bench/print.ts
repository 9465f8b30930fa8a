/** The bench's printing: one figure a line, its label, and what it is compared with. */
import { cpus, loadavg } from "node:os";

export const line = (label: string, value: string, note?: string): void =>
  console.log(`${label.padEnd(64)} ${value.padStart(22)}${note ? `   ${note}` : ""}`);
export const ms = (t: number): string => (t >= 10_000 ? `${(t / 1000).toFixed(1)} s` : `${t.toFixed(0)} ms`);
export const mib = (m: number): string => `${m.toFixed(0)} MiB`;

/** The machine's load (what `uptime` prints), next to figures that depend on it. */
export function loadLine(): void {
  const [one, five, fifteen] = loadavg().map((x) => x.toFixed(2));
  line("machine load (1 / 5 / 15 min) on cores", `${one} / ${five} / ${fifteen}`, `${cpus().length} cores`);
}
