// Writes a benchmark's section of docs/benchmarks.md (between its markers), leaving the other sections alone.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const DOC = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));

export async function writeSection(name: string, markdown: string): Promise<void> {
  // Small trial runs (BENCH_NO_REPORT=1) must not replace the published figures.
  if (process.env.BENCH_NO_REPORT === "1") return;
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  let doc = await readFile(DOC, "utf8").catch(() => "# Benchmarks\n\nEach section is written by its `npm run bench:*` script; every figure stands beside a baseline from the same run.\n");
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const at = doc.indexOf(begin);
  doc = at >= 0 ? doc.slice(0, at) + block + doc.slice(doc.indexOf(end) + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  await writeFile(DOC, doc);
}
