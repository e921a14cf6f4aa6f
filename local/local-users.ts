// npm start only: the user a well-signed token names exists, made on first use as signing up would make it, so any
// user id works locally (`npx memory token --user <id>` mints the token). A real project has Supabase Auth, where a
// token's user exists before it can call; there an unknown user is a 401 unknown_user (shared/http/errors.ts).
import type { Caller } from "../shared/auth/jwt.ts";
import type { SqlExecutor } from "../shared/db/executor.ts";

/** Makes the auth.users row of a local user, if it is not there. */
export async function ensureLocalUser(admin: SqlExecutor, id: string, email: string | null = null): Promise<void> {
  await admin.query(`insert into auth.users (id, email, role, aud) values ($1, $2, 'authenticated', 'authenticated')
    on conflict (id) do nothing`, [id, email]);
}

/** The verifier, making the user of each verified user token on first use. */
export function withLocalUsers(verify: (authorization: string | null) => Promise<Caller>, admin: SqlExecutor) {
  const known = new Set<string>();
  return async (authorization: string | null): Promise<Caller> => {
    const caller = await verify(authorization);
    if (caller.kind === "user" && !known.has(caller.userId)) {
      await ensureLocalUser(admin, caller.userId);
      known.add(caller.userId);
    }
    return caller;
  };
}
