// The one connection factory: settings given in PGOPTIONS (as libpq reads them) reach the server, so a deploy's
// lock and statement timeouts apply to `memory migrate` as they do to `supabase db push`.
import { afterEach, describe, expect, it } from "vitest";
import { connect, settingsFromPgOptions } from "../shared/db/connect.ts";
import { urlFor } from "../scripts/db/local-stack.ts";

const saved = process.env.PGOPTIONS;
afterEach(() => {
  if (saved === undefined) delete process.env.PGOPTIONS;
  else process.env.PGOPTIONS = saved;
});

describe("connect", () => {
  it("reads PGOPTIONS as libpq does", () => {
    expect(settingsFromPgOptions("-c lock_timeout=5s -c statement_timeout=5min --work-mem=8MB -clog_min_messages=warning"))
      .toEqual({ lock_timeout: "5s", statement_timeout: "5min", work_mem: "8MB", log_min_messages: "warning" });
    expect(settingsFromPgOptions(undefined)).toEqual({});
  });

  it("applies them to every connection it opens", async () => {
    process.env.PGOPTIONS = "-c lock_timeout=4321ms";
    const sql = connect(urlFor("postgres"), { max: 1 });
    try {
      const [{ lock_timeout }] = await sql`show lock_timeout`;
      expect(lock_timeout).toBe("4321ms");
    } finally {
      await sql.end();
    }
  });
});
