// `memory export --user ID` and `memory import --user ID FILE`: one user's whole data as a chat-memory-export
// document (docs/export-format.md), for an operator answering a portability request or moving a user between
// projects. The same SQL functions serve the API's GET /export and POST /import.
import { readFile, writeFile } from "node:fs/promises";
import { DATABASE_OPTIONS, DATABASE_USAGE, EXIT, type ExitCode, parseCommand, withDatabase } from "./command.ts";
import { ExportDocument } from "../shared/schemas/export.ts";
import { isUuid } from "../shared/schemas/fields.ts";
import { knownUser } from "../shared/maintenance/jobs.ts";
import { postgresExecutor } from "../shared/db/executor.ts";
import { plural } from "./output.ts";

const USAGE = `usage: memory export --user ID [--out FILE] [options]
       memory import --user ID FILE [options]

  export                  everything stored about the user (memories with their versions and sightings,
                          conversations, search access, statistics) as one JSON document; to stdout or --out
  import FILE             take an exported document into this database for the user: all or nothing; rows already
                          here are skipped, so a second import changes nothing; a row whose id is not already the
                          user's gets a new one (--json maps them)

options:
  --user ID               the user (a UUID)
  --out FILE              export: write the document to FILE instead of stdout
${DATABASE_USAGE}
  --json                  import: the per-table outcome as JSON
  -h, --help              this text`;

export async function portabilityCommand(command: "export" | "import", argv: string[]): Promise<number> {
  const parsed = parseCommand(command, USAGE, { ...DATABASE_OPTIONS, user: { type: "string" }, out: { type: "string" } }, argv);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const user = values.user;
  const [file] = positionals;
  if (!user || !isUuid(user) || (command === "import" && (!file || positionals.length > 1)) || (command === "export" && positionals.length)) {
    console.error(`memory ${command}: give --user as a UUID${command === "import" ? " and one FILE to import" : ""}\n\n${USAGE}`);
    return EXIT.usage;
  }
  let document: unknown;
  if (command === "import") {
    try {
      document = ExportDocument.parse(JSON.parse(await readFile(file, "utf8")));
    } catch (error) {
      console.error(`memory import: ${file} is not a chat-memory-export document: ${(error as Error).message.slice(0, 500)}`);
      return EXIT.failed;
    }
  }
  return withDatabase(command, values, async (sql): Promise<ExitCode> => {
    if (!(await knownUser(postgresExecutor(sql), user))) {
      console.error(`memory ${command}: no user ${user} in this database`);
      return EXIT.failed;
    }
    if (command === "export") {
      const [{ document: exported }] = await sql`select public.export_user_data(${user}::uuid) as document`;
      const text = `${JSON.stringify(exported, null, 2)}\n`;
      if (values.out) {
        await writeFile(values.out, text);
        console.error(`exported ${plural(exported.memories.length, "memory row", "memory rows")} and ${plural(exported.sightings.length, "sighting")} of ${user} to ${values.out}`);
      } else {
        process.stdout.write(text);
      }
      return EXIT.ok;
    }
    const tables = await sql`select table_name, imported::int, already_present::int, merged::int, ids
      from public.import_user_data(${sql.json(document as never)}, ${user}::uuid)`;
    console.log(values.json ? JSON.stringify(tables) : tables.map((t) =>
      `${t.table_name}: ${t.imported} imported, ${t.already_present} already here${t.merged ? `, ${t.merged} kept as duplicates of memories already here` : ""}` +
      `${Object.keys(t.ids).length ? `, ${plural(Object.keys(t.ids).length, "row", "rows")} under a new id (--json lists them)` : ""}`).join("\n") +
      "\nImported memories have no embedding yet: run `memory embeddings backfill` (or let the scheduled job) to compute them.");
    return EXIT.ok;
  });
}
