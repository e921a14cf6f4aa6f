// `memory history ID` and `memory unmerge ID`: what was said about a memory, and undoing a merge, for operators.
import { parseArgs } from "node:util";
import { databaseUrl, EXIT, failureMessage, operatorConnection, UsageError } from "./common.ts";
import { isUuid } from "../shared/schemas/fields.ts";

const USAGE = `usage: memory <history|unmerge> ID [options]

  history ID              every version of the memory and every statement merged into it (sightings), oldest first
  unmerge ID              make a sighting (or a memory marked as a duplicate) an active memory of its own again

options:
  --user ID               the user it belongs to (default: looked up from ID)
  --db-url URL            database (default: $SUPABASE_DB_URL, then $DATABASE_URL); a service or owner role
  --json                  machine-readable output
  -h, --help              this text`;


export async function memoriesCommand(command: "history" | "unmerge", argv: string[]): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv, allowPositionals: true,
      options: { user: { type: "string" }, "db-url": { type: "string" }, json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
    }));
  } catch (error) {
    console.error(`memory ${command}: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  const [id] = positionals;
  if (!id || !isUuid(id) || (values.user !== undefined && !isUuid(values.user))) {
    console.error(`memory ${command}: give the id (a UUID) of a memory or sighting${values.user !== undefined ? ", and --user as a UUID" : ""}\n\n${USAGE}`);
    return EXIT.usage;
  }
  let url: string;
  try {
    url = databaseUrl(values["db-url"], command);
  } catch (error) {
    if (error instanceof UsageError) { console.error(error.message); return EXIT.usage; }
    throw error;
  }
  const sql = operatorConnection(url, `memory-${command}`);
  try {
    if (command === "history") {
      const rows = await sql`select * from public.memory_history(${id})`;
      if (!rows.length) {
        console.error(`memory history: no memory ${id}`);
        return EXIT.failed;
      }
      console.log(values.json ? JSON.stringify(rows, null, 2) : rows.map((r) => r.kind === "version"
        ? `${r.created_at.toISOString()}  v${r.version}  ${r.is_active ? "active  " : "inactive"}  ${r.id}  ${r.fact}`
        : `${r.created_at.toISOString()}  sighting (${r.origin}${r.unmerged_memory_id ? `, unmerged into ${r.unmerged_memory_id}` : ""})  ${r.id}  ${r.fact}`).join("\n"));
      return EXIT.ok;
    }
    const user = values.user ?? (await sql`select user_id from public.memory_sightings where id = ${id} or merged_memory_id = ${id}
      union all select user_id from public.user_memories where id = ${id} limit 1`)[0]?.user_id;
    if (!user) {
      console.error(`memory unmerge: no sighting or duplicate memory ${id}`);
      return EXIT.failed;
    }
    const [outcome] = await sql`select * from public.unmerge_memory(${id}, ${user})`;
    console.log(values.json ? JSON.stringify(outcome) : `unmerged ${id}: memory ${outcome.id} (version ${outcome.version}) is active again, apart from ${outcome.merged_into}`);
    return EXIT.ok;
  } catch (error) {
    console.error(`memory ${command}: ${failureMessage(error)}`);
    return EXIT.failed;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
