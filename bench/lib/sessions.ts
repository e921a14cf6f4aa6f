// A benchmark's database session acting as one signed-in user, as PostgREST runs each request.
import postgres from "postgres";
import { urlFor } from "../../scripts/db/local-stack.ts";

export type UserSession = postgres.ReservedSql & { end: () => Promise<void> };

/** One connection acting as `user` (role authenticated, RLS on) for the whole session; statements are prepared. */
export async function userSession(db: string, user: string): Promise<UserSession> {
  const pool = postgres(urlFor(db), { max: 1, onnotice: () => {}, prepare: true });
  const conn = await pool.reserve();
  await conn`select set_config('request.jwt.claims', ${JSON.stringify({ sub: user, role: "authenticated" })}, false)`;
  await conn`set role authenticated`;
  return Object.assign(conn, { end: async () => { conn.release(); await pool.end(); } });
}
