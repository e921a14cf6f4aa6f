// The statement split recorded in supabase_migrations.schema_migrations must match the Supabase CLI's;
// supabase-cli.test.ts checks it on the real migrations, this file on the lexical corners.
import { describe, expect, it } from "vitest";
import { splitStatements } from "../shared/migrations/split.ts";

describe("splitStatements", () => {
  it.each([
    ["plain statements, trimmed, without their semicolons", "select 1;\n  select 2 ;\n\n", ["select 1", "select 2"]],
    ["a last statement without a semicolon", "select 1; select 2", ["select 1", "select 2"]],
    ["empty pieces dropped", ";;select 1;;\n;", ["select 1"]],
    ["leading comments stay with their statement", "-- why\nselect 1;", ["-- why\nselect 1"]],
    ["a semicolon in a line comment", "select 1 -- a; b\n;select 2;", ["select 1 -- a; b", "select 2"]],
    ["a semicolon in a nested block comment", "/* a /* b; */ c; */ select 1; select 2;", ["/* a /* b; */ c; */ select 1", "select 2"]],
    ["a semicolon in a string with a doubled quote", "select 'it''s; fine'; select 2;", ["select 'it''s; fine'", "select 2"]],
    ["a semicolon in a quoted identifier", 'select 1 as "a;b"; select 2;', ['select 1 as "a;b"', "select 2"]],
    ["a dollar-quoted body", "create function f() returns int language sql as $$ select 1; $$;select 2;", ["create function f() returns int language sql as $$ select 1; $$", "select 2"]],
    ["a tagged dollar quote containing $$", "do $body$ begin perform $$;$$; end $body$; select 2;", ["do $body$ begin perform $$;$$; end $body$", "select 2"]],
    ["a positional parameter is not a dollar quote", "prepare p as select $1; select 2;", ["prepare p as select $1", "select 2"]],
    ["a semicolon inside parentheses", "create rule r as on insert to t do also (select 1; select 2); select 3;", ["create rule r as on insert to t do also (select 1; select 2)", "select 3"]],
    ["a BEGIN ATOMIC body", "create function f() returns int language sql begin atomic select 1; select 2; end; select 3;", ["create function f() returns int language sql begin atomic select 1; select 2; end", "select 3"]],
  ])("%s", (_, text, expected) => {
    expect(splitStatements(text)).toEqual(expected);
  });
});
