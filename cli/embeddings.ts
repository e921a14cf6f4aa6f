// `memory embeddings backfill`: embed the memories stored while the embedding provider was failing.
import { parseArgs } from "node:util";
import { postgresExecutor } from "../shared/db/executor.ts";
import { backfillEmbeddings } from "../shared/embeddings/backfill.ts";
import { embedderFromEnv } from "../shared/embeddings/from-env.ts";
import { databaseUrl, EXIT, failureMessage, operatorConnection, UsageError } from "./common.ts";

const USAGE = `usage: memory embeddings backfill [options]

  Embeds active memories that have no embedding, a batch at a time, with the provider configured by
  EMBEDDINGS_PROVIDER (gte-small, openai, offline; see README).

options:
  --db-url URL      database (default: $SUPABASE_DB_URL, then $DATABASE_URL)
  --batch N         memories per provider call (default 100, at most 1000)
  --json            machine-readable output
  -h, --help        this text`;

export async function embeddingsCommand(argv: string[]): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv, allowPositionals: true,
      options: { "db-url": { type: "string" }, batch: { type: "string" }, json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
    }));
  } catch (error) {
    console.error(`memory embeddings: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  if (positionals[0] !== "backfill") {
    console.error(USAGE);
    return EXIT.usage;
  }
  const batchSize = Number(values.batch ?? 100);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    console.error("memory embeddings: --batch must be a whole number from 1 to 1000");
    return EXIT.usage;
  }
  let url: string;
  try {
    url = databaseUrl(values["db-url"], "embeddings");
  } catch (error) {
    if (error instanceof UsageError) { console.error(error.message); return EXIT.usage; }
    throw error;
  }
  const provider = embedderFromEnv(process.env);
  if (!provider) {
    console.error("memory embeddings: EMBEDDINGS_PROVIDER=none; choose a provider to backfill with");
    return EXIT.usage;
  }
  const sql = operatorConnection(url, "memory-embeddings");
  try {
    const result = await backfillEmbeddings(postgresExecutor(sql), provider, {
      batchSize, onBatch: (done) => { if (!values.json) process.stderr.write(`\rembedded ${done}`); },
    });
    if (values.json) console.log(JSON.stringify({ model: provider.model, ...result }));
    else console.log(`\nembedded ${result.embedded} with ${provider.model}; ${result.failedBatches} batches failed; ${result.remaining} still without an embedding`);
    return result.failedBatches > 0 ? EXIT.failed : EXIT.ok;
  } catch (error) {
    console.error(`memory embeddings backfill: ${failureMessage(error)}`);
    return EXIT.failed;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
