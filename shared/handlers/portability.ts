// A user's own data, portable (memory-store's GET /export and POST /import): the chat-memory-export document of
// export_user_data, and import_user_data taking one back. A user exports and imports their own data; service_role
// names the user with ?user_id=.
import { readJsonBody } from "../http/body.ts";
import { json } from "../http/respond.ts";
import { ExportDocument, ExportQuery, MAX_IMPORT_BYTES, PortabilityQuery, type ImportOutcome } from "../schemas/export.ts";
import { parseOrThrow } from "../schemas/parse.ts";
import { acting, authenticated, queryOf, type HandlerDeps } from "./context.ts";
import type { Route } from "./serve.ts";
import { callFunction } from "./sql-call.ts";

export function portabilityRoutes(deps: HandlerDeps): Record<string, Route> {
  return {
    async "GET /export"(req) {
      const { body: query, as } = await authenticated(req, deps, ExportQuery, queryOf(req));
      const [{ document }] = await deps.db.asCaller(as.claims, (db) =>
        callFunction<{ document: ExportDocument }>(db, "export_user_data", {
          user_id: [as.userId, "uuid"], agent_id: [query.agent_id, "text"], run_id: [query.run_id, "text"],
        }, "r as document"));
      const day = document.exported_at.slice(0, 10);
      return json(document, 200, { "Content-Disposition": `attachment; filename="memories-${document.user_id}-${day}.json"` });
    },

    async "POST /import"(req) {
      // The body is the exported document as it is, so the user a service_role call names comes in the query.
      const caller = await deps.verify(req.headers.get("authorization"));
      const as = acting(caller, parseOrThrow(PortabilityQuery, queryOf(req)).user_id);
      const document = parseOrThrow(ExportDocument, await readJsonBody(req, MAX_IMPORT_BYTES));
      const tables = await deps.db.asCaller(as.claims, (db) =>
        callFunction<ImportOutcome["tables"][number]>(db, "import_user_data", { document: [document, "jsonb"], user_id: [as.userId, "uuid"] },
          "r.table_name, r.imported::int, r.already_present::int, r.merged::int, r.ids"));
      const outcome: ImportOutcome = { tables, embedding: "pending" };
      return json(outcome, tables.some((t) => t.imported > 0) ? 201 : 200);
    },
  };
}
