// What the benchmark ran on, printed beside every result (shared machines are noisy; ratios travel, times don't).
import { cpus, totalmem } from "node:os";

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}
