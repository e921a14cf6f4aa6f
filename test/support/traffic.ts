// A chatbot's live traffic against one database: overlapping searches of one user on several connections, while
// stores, updates and forgets of that user run on others and maintenance sweeps run beside them. Shared by the
// lock-order test and bench:traffic (which runs it on the schema before and after).
import type postgres from "postgres";
import { withClaims } from "../../shared/db/as-user.ts";

export type Operation = "search" | "store" | "update" | "forget" | "maintenance";

export interface OperationReport {
  done: number;
  /** SQLSTATE (or message) of each failure, counted. */
  errors: Record<string, number>;
  latenciesMs: number[];
}

export interface TrafficReport {
  seconds: number;
  connections: number;
  operations: Record<Operation, OperationReport>;
  /** Results the searches returned and recorded (touch on). */
  searchResults: number;
}

export interface TrafficOptions {
  /** A pool with at least as many connections as workers. */
  pool: postgres.Sql;
  user: string;
  seconds: number;
  workers: Record<Operation, number>;
  /**
   * Go on past `seconds` until every operation has completed this many times, for at most `maxSeconds`: whether a
   * kind of call starves is then told apart from how fast a loaded machine runs it.
   */
  minimumDone?: number;
  maxSeconds?: number;
}

const FOODS = ["pasta", "ramen", "tacos", "curry", "sushi", "salad", "pizza", "dumplings", "paella", "risotto"];
const PEOPLE = ["Ana", "Ben", "Chloe", "Dmitri", "Esme", "Farid", "Greta", "Hugo"];
const PLACES = ["Porto", "Lisbon", "Madrid", "Berlin", "Oslo", "Kyoto", "Lima", "Accra"];

/** Business outcomes a racing write may meet (the memory was forgotten meanwhile); not failures of the system. */
export const EXPECTED_CONFLICTS = new Set(["PT404", "PT409"]);
/** What must never happen: deadlocks, serialization failures, lock and statement timeouts. */
export const STALLS = ["40P01", "40001", "55P03", "57014"];

const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)];
export const chatFact = () =>
  `Likes ${pick(FOODS)} with ${pick(PEOPLE)} in ${pick(PLACES)} ${Math.floor(Math.random() * 1e6)}`;

/** Memories whose words overlap, so that searches of them return the same memories in different orders. */
export async function seedUser(sql: postgres.Sql, user: string, count: number): Promise<void> {
  await sql`insert into public.memory_user_stats (user_id, quota_limit) values (${user}, 1000000)
            on conflict (user_id) do update set quota_limit = excluded.quota_limit`;
  await sql`insert into public.user_memories (user_id, fact, memory_type, importance_score)
    select ${user}, f, 'preference', random() from unnest(${Array.from({ length: count }, chatFact)}::text[]) f
    on conflict do nothing`;
}

function emptyReport(): OperationReport {
  return { done: 0, errors: {}, latenciesMs: [] };
}

export async function runTraffic(options: TrafficOptions): Promise<TrafficReport> {
  const { pool, user } = options;
  const operations = Object.fromEntries(
    (["search", "store", "update", "forget", "maintenance"] as Operation[]).map((o) => [o, emptyReport()]),
  ) as Record<Operation, OperationReport>;
  let searchResults = 0;
  const asUser = <T>(fn: (tx: postgres.TransactionSql) => Promise<T>) =>
    withClaims(pool, { role: "authenticated", sub: user }, fn);
  const someActive = (tx: postgres.TransactionSql) =>
    tx`select id from public.user_memories where user_id = ${user} and is_active order by random() limit 1`;
  // Maintenance a deployment runs beside the traffic; a sweep the schema lacks is dropped from the rotation.
  const sweeps = [
    "select public.fold_memory_access()",
    "select public.expire_memories()",
    `select * from public.deduplicate_memories('${user}')`,
    "select public.cleanup_old_memories(1)",
  ];

  const work: Record<Operation, () => Promise<void>> = {
    async search() {
      // One word: a tenth to an eighth of the memories match, and two searches share many of them, ranked
      // differently.
      const query = pick([pick(FOODS), pick(PEOPLE), pick(PLACES)]);
      const rows = await asUser((tx) => tx`select id from public.search_memories(${query}, match_count => 20)`);
      searchResults += rows.length;
    },
    async store() {
      // One store in four repeats a fact in other words: a merge into an existing memory.
      await asUser(async (tx) => {
        const [existing] = Math.random() < 0.25 ? await tx`select fact from public.user_memories
          where user_id = ${user} and is_active order by random() limit 1` : [];
        const fact = existing ? `${existing.fact}!` : chatFact();
        await tx`select * from public.store_memory(${fact}, 'preference', importance_score => ${Math.random()})`;
      });
    },
    async update() {
      await asUser(async (tx) => {
        const [row] = await someActive(tx);
        if (!row) return;
        // Half change the importance (the same version), half the text (a new version).
        if (Math.random() < 0.5) await tx`select * from public.update_memory(${row.id}, importance_score => ${Math.random()})`;
        else await tx`select * from public.update_memory(${row.id}, fact => ${chatFact()})`;
      });
    },
    async forget() {
      await asUser(async (tx) => {
        const [row] = await someActive(tx);
        if (row) await tx`select * from public.forget_memory(${row.id})`;
      });
    },
    async maintenance() {
      if (sweeps.length === 0) return;
      const sweep = pick(sweeps);
      try {
        await withClaims(pool, { role: "service_role" }, (tx) => tx.unsafe(sweep));
      } catch (error) {
        if ((error as { code?: string }).code === "42883") sweeps.splice(sweeps.indexOf(sweep), 1);
        else throw error;
      }
      await new Promise((r) => setTimeout(r, 50));
    },
  };

  const started = Date.now();
  const until = started + options.seconds * 1000;
  const cap = started + (options.maxSeconds ?? options.seconds) * 1000;
  const minimum = options.minimumDone ?? 0;
  const goOn = () => {
    const now = Date.now();
    if (now < until) return true;
    return now < cap && Object.values(operations).some((r) => r.done < minimum);
  };
  const worker = async (operation: Operation) => {
    const report = operations[operation];
    while (goOn()) {
      const started = performance.now();
      try {
        await work[operation]();
        report.done++;
      } catch (error) {
        const e = error as { code?: string; message?: string };
        const key = e.code ?? e.message ?? String(error);
        report.errors[key] = (report.errors[key] ?? 0) + 1;
      }
      report.latenciesMs.push(performance.now() - started);
    }
  };
  const workers = Object.entries(options.workers).flatMap(([operation, n]) =>
    Array.from({ length: n }, () => worker(operation as Operation)));
  await Promise.all(workers);
  return { seconds: (Date.now() - started) / 1000, connections: workers.length, operations, searchResults };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Failures by SQLSTATE over all operations, without the expected business conflicts. */
export function failures(report: TrafficReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const operation of Object.values(report.operations)) {
    for (const [code, n] of Object.entries(operation.errors)) {
      if (!EXPECTED_CONFLICTS.has(code)) out[code] = (out[code] ?? 0) + n;
    }
  }
  return out;
}
