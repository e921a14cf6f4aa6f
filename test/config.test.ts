// supabase/config.toml: what the Supabase CLI and the hosted API read from this project.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "../scripts/db/local-stack.ts";

const config = readFileSync(`${ROOT}supabase/config.toml`, "utf8");

function section(name: string): string {
  const start = config.indexOf(`[${name}]`);
  if (start < 0) return "";
  const next = config.indexOf("\n[", start + 1);
  return config.slice(start, next < 0 ? undefined : next);
}

describe("supabase/config.toml", () => {
  it("targets PostgreSQL 15 on Supabase's local port", () => {
    expect(section("db")).toMatch(/major_version = 15/);
    expect(section("db")).toMatch(/port = 54322/);
  });

  it("exposes public through the API and never the private schema", () => {
    const schemas = /schemas = \[([^\]]*)\]/.exec(section("api"))?.[1] ?? "";
    expect(schemas).toMatch(/"public"/);
    expect(schemas).not.toMatch(/"private"/);
  });
});
