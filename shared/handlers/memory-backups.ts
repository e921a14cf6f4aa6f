// memory-backups (service_role only; memory-maintenance before 2026-11-26): POST { "kind": "daily" | "weekly" | "monthly" | "manual" } takes a
// backup into the configured store and applies retention; what the pg_cron backup jobs call through pg_net.
import type postgres from "postgres";
import type { Caller } from "../auth/jwt.ts";
import { createBackup } from "../backup/create.ts";
import { pruneBackups } from "../backup/retention.ts";
import type { BackupStore } from "../backup/store.ts";
import { readJsonBody } from "../http/body.ts";
import { ApiError } from "../http/errors.ts";
import { json } from "../http/respond.ts";
import { parseOrThrow } from "../schemas/parse.ts";
import { BackupRequest } from "../schemas/requests.ts";
import { byMethod } from "./serve.ts";

export interface BackupsDeps {
  sql: postgres.Sql;
  store: BackupStore;
  verify: (authorization: string | null) => Promise<Caller>;
  log?: (message: string, error: unknown) => void;
}

export function memoryBackupsHandler(deps: BackupsDeps) {
  return byMethod({
    async POST(req) {
      const caller = await deps.verify(req.headers.get("authorization"));
      if (caller.kind !== "service") {
        throw new ApiError(403, "forbidden", "memory-backups is for the service_role key only", [{ field: "authorization", rule: "service_role_only" }]);
      }
      const body = parseOrThrow(BackupRequest, await readJsonBody(req));
      const manifest = await createBackup(deps.sql, deps.store, body.kind);
      const pruned = body.prune ? await pruneBackups(deps.store) : [];
      return json({
        backup: manifest.id,
        rows: Object.fromEntries(Object.entries(manifest.tables).map(([t, e]) => [t, e.rows])),
        bytes: Object.values(manifest.tables).reduce((n, e) => n + e.bytes, 0),
        pruned,
      }, 201);
    },
  }, deps.log, "memory-backups");
}
