// `memory calibrate --pairs FILE.jsonl [--model M] [--write]`: the duplicate threshold and relevance floor of
// the configured embedding model, measured on labelled pairs.
import { readFile } from "node:fs/promises";
import { calibrate, LabelledSetError, parseLabelledSet, type Sweep, writeCalibration } from "../shared/calibration/calibrate.ts";
import { postgresExecutor } from "../shared/db/executor.ts";
import { embedderFromEnv } from "../shared/embeddings/from-env.ts";
import { DATABASE_OPTIONS, DATABASE_USAGE, EXIT, type ExitCode, parseCommand, withDatabase } from "./command.ts";

const USAGE = `usage: memory calibrate --pairs FILE.jsonl [options]

  Embeds labelled pairs with the provider configured by EMBEDDINGS_PROVIDER (see README) and prints, per
  threshold, precision, recall and F1 of duplicate detection (as store_memory decides: value guard, same text,
  word Jaccard, then cosine >= threshold) and of the relevance floor (cosine >= floor). The best of each is the
  highest F1 among the thresholds that merge no distinct pair, and that answer nothing to a question none of
  whose memories is relevant (or the highest F1 of all when no threshold manages it). Lines: {"a","b","label":"duplicate"|"distinct"} or {"query","memory","label":"relevant"|"irrelevant"}.
  A labelled set for chat memories ships in bench/data/labelled-pairs.jsonl.

options:
  --pairs FILE            the labelled pairs (JSONL)
  --model M               the model's name (and EMBEDDINGS_MODEL for the openai provider); default: the provider's
  --write                 store the best thresholds for the model in memory_model_settings
${DATABASE_USAGE}
  --json                  machine-readable output
  -h, --help              this text`;

function table(title: string, sweep: Sweep): string {
  const rows = sweep.points.filter((p) => Math.round(p.threshold * 100) % 5 === 0 || p === sweep.best)
    .map((p) => `  ${p.threshold.toFixed(2)}  ${p.precision.toFixed(3)}      ${p.recall.toFixed(3)}   ${p.f1.toFixed(3)}  ${p.acceptable ? "yes" : "no "}` +
      (p === sweep.best ? "  <- best" : ""));
  return [title, `  thr.  precision  recall  F1     ${sweep.constraint}`, ...rows].join("\n");
}

export async function calibrateCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand("calibrate", USAGE, {
    ...DATABASE_OPTIONS, pairs: { type: "string" }, model: { type: "string" }, write: { type: "boolean", default: false },
  }, argv);
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  if (!values.pairs) {
    console.error("memory calibrate: --pairs FILE.jsonl is required");
    return EXIT.usage;
  }
  const provider = embedderFromEnv(values.model ? { ...process.env, EMBEDDINGS_MODEL: values.model } : process.env);
  if (!provider) {
    console.error("memory calibrate: EMBEDDINGS_PROVIDER=none; choose the provider whose model to calibrate");
    return EXIT.usage;
  }
  let set;
  try {
    set = parseLabelledSet(await readFile(values.pairs, "utf8"));
  } catch (error) {
    // The command line was right; the file it names is missing or not a labelled set: a failure, as for import.
    console.error(`memory calibrate: ${error instanceof LabelledSetError ? `${values.pairs}: ` : ""}${(error as Error).message}`);
    return EXIT.failed;
  }
  return withDatabase("calibrate", values, async (sql): Promise<ExitCode> => {
    const db = postgresExecutor(sql);
    const result = await calibrate(db, provider, set, values.model ?? provider.model);
    if (values.write) await writeCalibration(db, result, set);
    if (values.json) {
      console.log(JSON.stringify({ ...result, written: values.write }, null, 2));
    } else {
      const parts = [`model ${result.model}: ${set.duplicates.length} duplicate/distinct pairs, ${set.judgements.length} relevance judgements`];
      if (result.duplicates) parts.push(table(`duplicates (cosine; word Jaccard at ${result.jaccardThreshold} and the value guard apply first)`, result.duplicates));
      if (result.relevance) parts.push(table("relevance floor (cosine of query and memory)", result.relevance));
      parts.push(values.write ? `written to memory_model_settings for ${result.model}` : "not written (add --write to store these thresholds)");
      console.log(parts.join("\n\n"));
    }
    return EXIT.ok;
  });
}
