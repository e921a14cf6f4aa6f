// Which rows a rollback script would destroy: tables it drops or truncates and columns it drops,
// checked against the database so that undoing an unused migration needs no confirmation.
import type { SqlExecutor } from "../db/executor.ts";

const IDENT = String.raw`(?:"[^"]+"|[A-Za-z_][\w$]*)`;
const QUALIFIED = String.raw`${IDENT}(?:\s*\.\s*${IDENT})?`;
const DROP_TABLE = new RegExp(String.raw`^\s*drop\s+table\s+(?:if\s+exists\s+)?(${QUALIFIED}(?:\s*,\s*${QUALIFIED})*)`, "i");
const TRUNCATE = new RegExp(String.raw`^\s*truncate\s+(?:table\s+)?(?:only\s+)?(${QUALIFIED}(?:\s*,\s*${QUALIFIED})*)`, "i");
const DROP_COLUMN = new RegExp(
  String.raw`^\s*alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(${QUALIFIED})\s+drop\s+(?:column\s+)?(?:if\s+exists\s+)?(${IDENT})`, "i",
);
const DELETE = new RegExp(String.raw`^\s*delete\s+from\s+(?:only\s+)?(${QUALIFIED})`, "i");

export interface DataLoss {
  statement: string;
  target: string;
}

/** Strips leading comments so a statement's first keyword can be matched. */
function body(statement: string): string {
  return statement.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, "");
}

function splitTargets(list: string): string[] {
  return list.split(",").map((t) => t.trim()).filter(Boolean);
}

async function hasRows(db: SqlExecutor, table: string, column?: string): Promise<boolean> {
  const [{ regclass }] = await db.query<{ regclass: string | null }>(`select to_regclass($1)::text as regclass`, [table]);
  if (!regclass) return false;
  if (column) {
    const quoted = column.startsWith('"') ? column : `"${column.toLowerCase()}"`;
    const [{ exists }] = await db.query<{ exists: boolean }>(
      `select exists (select 1 from pg_attribute where attrelid = $1::regclass and attname = $2 and not attisdropped) as exists`,
      [regclass, quoted.slice(1, -1)],
    );
    if (!exists) return false;
    const [{ found }] = await db.query<{ found: boolean }>(`select exists (select 1 from ${regclass} where ${quoted} is not null) as found`);
    return found;
  }
  const [{ found }] = await db.query<{ found: boolean }>(`select exists (select 1 from ${regclass}) as found`);
  return found;
}

export async function findDataLoss(db: SqlExecutor, statements: string[]): Promise<DataLoss[]> {
  const losses: DataLoss[] = [];
  for (const statement of statements) {
    const text = body(statement);
    const first = text.split("\n")[0];
    let match: RegExpExecArray | null;
    if ((match = DROP_TABLE.exec(text)) || (match = TRUNCATE.exec(text)) || (match = DELETE.exec(text))) {
      for (const table of splitTargets(match[1])) {
        if (await hasRows(db, table)) losses.push({ statement: first, target: `${table} (has rows)` });
      }
    } else if ((match = DROP_COLUMN.exec(text))) {
      if (await hasRows(db, match[1], match[2])) losses.push({ statement: first, target: `${match[1]}.${match[2]} (has values)` });
    }
  }
  return losses;
}
