// The migrations folder as it was at a commit, for benchmarks that compare a schema with an earlier one.
import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../scripts/db/local-stack.ts";

/** Unpacks supabase/migrations at `ref` into a temporary folder and returns its path. */
export function migrationsAt(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), "bench-ref-"));
  execFileSync("bash", ["-c", `git -C "${ROOT}" archive "${ref}" supabase/migrations | tar -x -C "${dir}"`]);
  return join(dir, "supabase", "migrations");
}

/** A database name for the schema at `ref`. */
export function databaseFor(base: string, ref: string): string {
  return `${base}_${ref.replace(/[^a-z0-9]/gi, "").slice(0, 12).toLowerCase()}`;
}

/**
 * The project's code at `ref` (shared/, scripts/ and the rest), unpacked beside this one and using this one's
 * node_modules, so a benchmark can call an earlier version of a module in the same run: `await import(codeAt(ref) +
 * "/shared/backup/index.ts")`.
 */
export function codeAt(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), "bench-code-"));
  execFileSync("bash", ["-c", `git -C "${ROOT}" archive "${ref}" shared scripts package.json | tar -x -C "${dir}"`]);
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}
