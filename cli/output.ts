// How commands print for people: aligned tables (cli-table3), counts with their nouns, and a progress bar on a
// terminal (cli-progress) that is cleared before the final line. --json output never goes through here.
import Table from "cli-table3";
import { SingleBar } from "cli-progress";

/** Columns aligned, a header, no borders: readable, and easy to grep or cut. */
export function table(head: string[], rows: unknown[][], options: { right?: number[] } = {}): string {
  const t = new Table({
    head,
    chars: {
      top: "", "top-mid": "", "top-left": "", "top-right": "", bottom: "", "bottom-mid": "", "bottom-left": "", "bottom-right": "",
      left: "", "left-mid": "", mid: "", "mid-mid": "", right: "", "right-mid": "", middle: "  ",
    },
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
    colAligns: head.map((_, i) => (options.right?.includes(i) ? "right" : "left")),
  });
  t.push(...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? "" : String(cell)))));
  return t.toString().split("\n").map((line) => line.trimEnd()).join("\n");
}

/** "1 user", "2 users", with thousands separated. */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? noun : many}`;
}

export function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

export interface Progress {
  /** `done` of `total` (the total may grow), with a label for what is being worked on. */
  update(done: number, total: number, label?: string): void;
  /** Clears the bar, so that the final line starts on a clean line. */
  stop(): void;
}

/** A bar on stderr when it is a terminal and the output is not --json; otherwise nothing at all. */
export function progress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar({
    stream, format: "{bar} {value}/{total} {label}", clearOnComplete: true, hideCursor: true, barsize: 24, fps: 5,
  });
  let started = false;
  return {
    update(done, total, label = "") {
      if (!started) { bar.start(total, done, { label }); started = true; return; }
      bar.setTotal(total);
      bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
