// How the CLI prints for people: aligned tables, counted nouns, and a progress bar that is gone before the final line.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { plural, progress, table } from "../cli/output.ts";

/** A stream that says it is a terminal, recording what is written to it. */
function terminal(): { stream: NodeJS.WriteStream; written: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number };
  stream.isTTY = true;
  stream.columns = 80;
  let text = "";
  (stream as unknown as PassThrough).on("data", (d: Buffer) => (text += d));
  return { stream, written: () => text };
}

describe("CLI output", () => {
  it("aligns columns under their header, numbers to the right", () => {
    const lines = table(["job", "failures"], [["memory-dedupe-nightly", 0], ["fold", 12]], { right: [1] }).split("\n");
    expect(lines).toEqual(["job                    failures", "memory-dedupe-nightly         0", "fold                         12"]);
  });

  it("counts with the right noun", () => {
    expect([plural(1, "user"), plural(2, "user"), plural(1200, "memory", "memories")]).toEqual(["1 user", "2 users", "1,200 memories"]);
  });

  it("clears its progress bar before the final line, and draws nothing off a terminal", async () => {
    const tty = terminal();
    const bar = progress(true, tty.stream);
    bar.update(1, 10, "rows");
    bar.update(5, 10, "rows");
    bar.stop();
    await new Promise((r) => setTimeout(r, 20));
    expect(tty.written()).toMatch(/1\/10 rows/);
    expect(tty.written().endsWith("\x1b[2K")).toBe(true); // the line erased: what is printed next starts clean
    const piped = terminal();
    (piped.stream as { isTTY: boolean }).isTTY = false;
    const quiet = progress(true, piped.stream);
    quiet.update(1, 2);
    quiet.stop();
    const json = terminal();
    progress(false, json.stream).update(1, 2);
    expect(piped.written() + json.written()).toBe("");
  });
});
