// Loads synthetic memories at scale for benchmarks: users x memories each, facts from word lists, 384-dim
// embeddings clustered around topics, through COPY with secondary indexes and triggers off, then rebuilt.
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import type postgres from "postgres";
import { rng, TopicSpace, vectorLiteral } from "./vectors.ts";
import { timed } from "./stats.ts";

export const MODEL = "bench-model";
export const TOPICS = 50;
export const space = new TopicSpace(TOPICS, 42);

export const SUBJECTS = ["likes", "dislikes", "prefers", "often mentions", "is learning", "collects", "avoids", "dreams about"];
export const THINGS = ["spicy ramen", "jazz piano", "mountain hiking", "vegetarian curry", "old cameras", "chess openings",
  "sailing boats", "french novels", "board games", "green tea", "street photography", "marathon running",
  "italian opera", "woodworking", "sourdough bread", "astronomy", "salsa dancing", "vintage cars", "poetry", "gardening"];
export const PLACES = ["in Lisbon", "in Porto", "at work", "with friends", "on weekends", "since childhood", "in winter", "at home"];
export const TYPES = ["person", "preference", "event", "topic", "fact", "emotion"];

function factFor(user: number, i: number, random: () => number): string {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  return `${pick(SUBJECTS)} ${pick(THINGS)} ${pick(PLACES)} (note ${user}-${i})`;
}

/**
 * Loads `users` x `perUser` memories into a migrated database, and `bigUser` memories more for one user of their own
 * (whose quota is lifted); returns the seconds COPY took.
 */
export async function loadMemories(sql: postgres.Sql, users: number, perUser: number, log = console.log, bigUser = 0): Promise<number> {
  await sql`insert into auth.users (id) select gen_random_uuid() from generate_series(1, ${users})`;
  const ids = (await sql`select id from auth.users order by id`).map((r) => r.id as string);
  const counts = ids.map(() => perUser);
  if (bigUser > 0) {
    const [{ id }] = await sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
    ids.push(id);
    counts.push(bigUser);
    await sql`insert into public.memory_user_stats (user_id, quota_limit) values (${id}, 1000000)`;
  }
  const indexes = await sql`select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = 'user_memories'
    and indexname not in ('user_memories_pkey', 'user_memories_id_user_id_key')`;
  for (const { indexname } of indexes) await sql.unsafe(`drop index public.${indexname}`);
  const [copyMs] = await timed(async () => {
    await sql`set session_replication_role = replica`;
    const random = rng(7);
    const now = Date.now();
    function* rows() {
      for (const [u, userId] of ids.entries()) {
        for (let i = 0; i < counts[u]; i++) {
          const created = new Date(now - Math.floor(random() * 365 * 86_400_000)).toISOString();
          const topic = Math.floor(random() * TOPICS);
          yield [userId, factFor(u, i, random), TYPES[i % TYPES.length], THINGS[topic % THINGS.length].split(" ")[0],
            random().toFixed(3), random().toFixed(3), vectorLiteral(space.sample(topic, random)), MODEL, created, created]
            .join("\t") + "\n";
        }
      }
    }
    const copy = await sql`copy public.user_memories (user_id, fact, memory_type, category, importance_score,
      confidence_score, embedding, embedding_model, created_at, updated_at) from stdin`.writable();
    await pipeline(Readable.from(rows()), copy);
    await sql`set session_replication_role = origin`;
  });
  log(`  COPY ${users * perUser + bigUser} rows: ${(copyMs / 1000).toFixed(1)} s`);
  await sql`set maintenance_work_mem = '2GB'`;
  for (const { indexname, indexdef } of indexes) {
    const [took] = await timed(() => sql.unsafe(indexdef));
    log(`  ${indexname}: ${(took / 1000).toFixed(1)} s`);
  }
  await sql`insert into public.memory_user_stats (user_id, active_count, inactive_count)
    select user_id, count(*) filter (where is_active), count(*) filter (where not is_active) from public.user_memories group by user_id
    on conflict (user_id) do update set active_count = excluded.active_count, inactive_count = excluded.inactive_count`;
  await sql`vacuum analyze public.user_memories`;
  return copyMs / 1000;
}
