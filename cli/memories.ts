// `memory history ID` and `memory unmerge ID`: what was said about a memory, and undoing a merge, for operators.
import { DATABASE_OPTIONS, DATABASE_USAGE, EXIT, type ExitCode, parseCommand, withDatabase } from "./command.ts";
import { isUuid } from "../shared/schemas/fields.ts";

const USAGE = `usage: memory <history|unmerge> ID [options]

  history ID              every version of the memory and every statement merged into it (sightings), oldest first
  unmerge ID              make a sighting (or a memory marked as a duplicate) an active memory of its own again

options:
  --user ID               the user it belongs to (default: looked up from ID)
${DATABASE_USAGE}
  --json                  machine-readable output
  -h, --help              this text`;


export async function memoriesCommand(command: "history" | "unmerge", argv: string[]): Promise<number> {
  const parsed = parseCommand(command, USAGE, { ...DATABASE_OPTIONS, user: { type: "string" } }, argv);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const [id] = positionals;
  if (!id || !isUuid(id) || (values.user !== undefined && !isUuid(values.user))) {
    console.error(`memory ${command}: give the id (a UUID) of a memory or sighting${values.user !== undefined ? ", and --user as a UUID" : ""}\n\n${USAGE}`);
    return EXIT.usage;
  }
  return withDatabase(command, values, async (sql): Promise<ExitCode> => {
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
  });
}
