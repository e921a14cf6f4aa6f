// `memory embeddings backfill`: embed the memories stored while the embedding provider was failing.
import { postgresExecutor } from "../shared/db/executor.ts";
import { backfillEmbeddings } from "../shared/embeddings/backfill.ts";
import { embedderFromEnv } from "../shared/embeddings/from-env.ts";
import { DATABASE_OPTIONS, DATABASE_USAGE, EXIT, type ExitCode, parseCommand, withDatabase } from "./command.ts";
import { progress } from "./output.ts";

const USAGE = `usage: memory embeddings backfill [options]

  Embeds active memories that have no embedding, a batch at a time, with the provider configured by
  EMBEDDINGS_PROVIDER (gte-small, openai, offline; see README).

options:
${DATABASE_USAGE}
  --batch N               memories per provider call (default 100, at most 1000)
  --json                  machine-readable output
  -h, --help              this text`;

export async function embeddingsCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand("embeddings", USAGE, { ...DATABASE_OPTIONS, batch: { type: "string" } }, argv);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  if (positionals[0] !== "backfill") {
    console.error(USAGE);
    return EXIT.usage;
  }
  const batchSize = Number(values.batch ?? 100);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    console.error(`memory embeddings: --batch must be a whole number from 1 to 1000, not '${values.batch}'`);
    return EXIT.usage;
  }
  const provider = embedderFromEnv(process.env);
  if (!provider) {
    console.error("memory embeddings: EMBEDDINGS_PROVIDER=none; choose a provider to backfill with");
    return EXIT.usage;
  }
  return withDatabase("embeddings backfill", values, async (sql): Promise<ExitCode> => {
    const bar = progress(!values.json);
    const [{ pending }] = await sql`select count(*)::int as pending from public.user_memories where is_active and embedding is null`;
    const result = await backfillEmbeddings(postgresExecutor(sql), provider, {
      batchSize, onBatch: (done) => bar.update(done, Math.max(done, pending), "embedded"),
    });
    bar.stop();
    if (values.json) console.log(JSON.stringify({ model: provider.model, ...result }));
    else console.log(`embedded ${result.embedded} with ${provider.model}; ${result.failedBatches} batches failed; ${result.remaining} still without an embedding`);
    return result.failedBatches > 0 ? EXIT.failed : EXIT.ok;
  });
}
