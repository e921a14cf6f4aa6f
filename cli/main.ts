// `memory <command> <subcommand> [options]`: one entry for every operator command.
import { backupCommand } from "./backup.ts";
import { calibrateCommand } from "./calibrate.ts";
import { embeddingsCommand } from "./embeddings.ts";
import { maintenanceCommand } from "./maintenance.ts";
import { memoriesCommand } from "./memories.ts";
import { migrateCommand } from "./migrate.ts";
import { portabilityCommand } from "./portability.ts";
import { tokenCommand } from "./token.ts";

const USAGE = `usage: memory <command> [options]

commands:
  migrate      schema migrations (status, up, down, verify)
  embeddings   embed memories stored without an embedding (backfill)
  dedupe       deduplicate one user's memories, or every user's
  cleanup      hard-delete memories inactive for more than --days (default 90)
  expire       deactivate memories past their expiry
  fold         fold the search-access log into memory_access (pg_cron does it every minute)
  stats        statistics of one user, or every user's quota use
  jobs         the scheduled maintenance jobs (pg_cron) and their health
  indexes      build and drop the own HNSW indexes of users with many memories (own_index_threshold)
  backup       create, list, verify, restore and prune backups
  history      every version of a memory and every statement merged into it
  unmerge      make a merged statement an active memory of its own again
  export       everything stored about one user, as one JSON document (docs/export-format.md)
  import       take an exported document into this database for a user
  calibrate    measure an embedding model's duplicate threshold and relevance floor on labelled pairs
  token        a token for a local user of npm start (made on its first call)

Run 'memory <command> --help' for a command's options.
Exit status: 0 done, 1 failed (the command ran and did not succeed), 2 usage (the command line or the
configuration is wrong; nothing was done).`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "migrate":
      return migrateCommand(rest);
    case "embeddings":
      return embeddingsCommand(rest);
    case "backup":
      return backupCommand(rest);
    case "history":
    case "unmerge":
      return memoriesCommand(command, rest);
    case "export":
    case "import":
      return portabilityCommand(command, rest);
    case "calibrate":
      return calibrateCommand(rest);
    case "token":
      return tokenCommand(rest);
    case "dedupe":
    case "cleanup":
    case "expire":
    case "fold":
    case "stats":
    case "jobs":
    case "indexes":
      return maintenanceCommand(command, rest);
    case undefined:
    case "-h":
    case "--help":
    case "help":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`memory: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}
