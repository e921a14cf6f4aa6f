// Runs the pinned Supabase CLI from node_modules and reads its output.
import { ROOT, run } from "../../scripts/db/local-stack.ts";

export const SUPABASE_BIN = `${ROOT}node_modules/.bin/supabase`;

export async function supabase(args: string[]): Promise<string> {
  const { stdout, stderr } = await run(SUPABASE_BIN, args, { cwd: ROOT, maxBuffer: 16 << 20 });
  return `${stdout}${stderr}`;
}

/** The rows of `supabase migration list`: local and remote version per line ('' where one side lacks it). */
export function parseMigrationList(output: string): { local: string; remote: string }[] {
  return output
    .split("\n")
    .map((line) => line.split("|").map((cell) => cell.replace(/`/g, "").trim()))
    .filter((cells) => cells.length >= 2 && /^\d*$/.test(cells[0]) && /^\d*$/.test(cells[1]) && (cells[0] || cells[1]))
    .map(([local, remote]) => ({ local, remote }));
}
