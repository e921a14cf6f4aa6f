// bench:quality's relation classes: each labelled pair of bench/data/relations.jsonl stored as two store_memory calls
// of a fresh user, judged per class: a pair that says the same thing must merge, a pair that says different things
// must stay two memories with the first named in `related`, a fuller statement must refine. Run on this schema and
// on any other database (an earlier schema) in the same run; the seed's rule is judged on the same pairs.
import { readFile } from "node:fs/promises";
import type postgres from "postgres";
import { ROOT } from "../../scripts/db/local-stack.ts";

export interface RelationPair { class: string; a: string; b: string; relation: "duplicate" | "refines" | "conflicts" }

/** What store_memory did with the second statement of a pair. */
export interface Outcome { merged: boolean; named: boolean; refined: boolean }

export async function readRelationPairs(): Promise<RelationPair[]> {
  return (await readFile(`${ROOT}bench/data/relations.jsonl`, "utf8")).split("\n").filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RelationPair);
}

/** Both statements of each pair stored by a fresh user, through `store` (embedding or not, as the caller runs it). */
export async function storePairs(sql: postgres.Sql, pairs: RelationPair[],
  store: (user: string, fact: string) => Promise<{ id: string; status: string; related: { id: string }[] }>): Promise<Outcome[]> {
  const users = await sql`insert into auth.users (id) select gen_random_uuid() from generate_series(1, ${pairs.length}) returning id`;
  const outcomes: Outcome[] = [];
  for (const [i, p] of pairs.entries()) {
    const user = users[i].id as string;
    const first = await store(user, p.a);
    const second = await store(user, p.b);
    outcomes.push({ merged: second.status === "duplicate", named: second.related.some((r) => r.id === first.id),
      refined: second.status === "refined" });
  }
  return outcomes;
}

/** Whether an outcome is what the pair's label asks for. */
export function isRight(pair: RelationPair, o: Outcome): boolean {
  if (pair.relation === "duplicate") return o.merged;
  if (pair.relation === "conflicts") return !o.merged && o.named;
  return o.refined;
}

/** The per-class table: right outcomes of each column, and a line of totals. */
export function classTable(pairs: RelationPair[], columns: Record<string, boolean[]>): string {
  const classes = [...new Set(pairs.map((p) => p.class))];
  const names = Object.keys(columns);
  const count = (name: string, keep: (p: RelationPair) => boolean) => {
    const rows = pairs.map((p, i) => [p, columns[name][i]] as const).filter(([p]) => keep(p));
    return `${rows.filter(([, right]) => right).length} of ${rows.length}`;
  };
  return [`| class | expected | ${names.join(" | ")} |`, `| --- | --- | ${names.map(() => "---").join(" | ")} |`,
    ...classes.map((c) => `| ${c} | ${pairs.find((p) => p.class === c)!.relation} | ${names.map((n) => count(n, (p) => p.class === c)).join(" | ")} |`),
    ...(["conflicts", "duplicate", "refines"] as const).map((r) =>
      `| **all ${r}** | ${r} | ${names.map((n) => count(n, (p) => p.relation === r)).join(" | ")} |`)].join("\n");
}
