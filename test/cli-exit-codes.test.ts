// One rule for every command: exit 2 when the command line (or the configuration) is wrong, said in the CLI's own
// words before anything is done; exit 1 when the command ran and failed. And every --help lines its columns up.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.ts";

const NOWHERE = ["--db-url", "postgresql://nobody@127.0.0.1:9/none", "--connect-timeout", "1"];
const ID = "6f1c2b9e-8d4a-4f3e-9b2c-1a0d9e8f7c6b";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-exit-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Every command as the top-level help lists it, with what it needs to get past its own arguments. */
const COMMANDS: string[][] = [
  ["migrate", "status"], ["embeddings", "backfill"], ["dedupe"], ["cleanup"], ["expire"], ["fold"], ["stats"], ["jobs"],
  ["indexes"], ["backup", "list"], ["history", ID], ["unmerge", ID], ["export", "--user", ID], ["import", "--user", ID, "x.json"],
  ["calibrate", "--pairs", "x.jsonl"], ["token"],
];

describe("exit status 2: the command line is wrong", () => {
  const wrong: [string, string[], RegExp][] = [
    ["a user that is not a UUID (backup restore)", ["backup", "restore", "20260101T000000Z-manual", "--user", "not-a-uuid"], /--user must be a user id \(UUID\)/],
    ["a user that is not a UUID (stats)", ["stats", "--user", "not-a-uuid"], /--user must be a user id \(UUID\)/],
    ["a user that is not a UUID (dedupe)", ["dedupe", "--user", "12"], /--user/],
    ["a user that is not a UUID (export)", ["export", "--user", "12"], /--user as a UUID/],
    ["a user that is not a UUID (token)", ["token", "--user", "12"], /--user must be a UUID/],
    ["an id that is not a UUID", ["history", "42"], /UUID/],
    ["a count that is not a number", ["cleanup", "--days", "three"], /--days must be a whole number/],
    ["a negative count", ["cleanup", "--days", "-5"], /--days must be a whole number/],
    ["a zero count", ["migrate", "down", "--count", "0"], /--count must be a whole number/],
    ["a version that is not one", ["migrate", "up", "--to", "latest"], /--to must be a migration version/],
    ["a batch out of range", ["embeddings", "backfill", "--batch", "5000"], /--batch must be a whole number/],
    ["an option the command does not take", ["dedupe", "--days", "3"], /unknown option --days; this command takes /],
    ["an option with no value", ["stats", "--user"], /--user needs a value/],
    ["a value to a flag", ["jobs", "--json=yes"], /--json takes no value/],
    ["an unknown subcommand", ["backup", "shred"], /usage: memory backup/],
    ["an unknown command", ["frobnicate"], /unknown command 'frobnicate'/],
    ["a missing argument", ["unmerge"], /give the id/],
    ["an extra argument", ["backup", "list", "extra"], /unexpected argument 'extra'/],
  ];
  for (const [what, args, said] of wrong) {
    it(what, async () => {
      const r = await runCli([...args, ...NOWHERE.slice(0, args[0] === "token" ? 0 : 4)]);
      expect(r.code, r.stderr).toBe(2);
      const first = r.stderr.split("\n")[0];
      expect(first).toMatch(said);
      // Its own words: no quote left open, no advice about `--` from Node's parser.
      expect((first.match(/'/g) ?? []).length % 2).toBe(0);
      expect(first).not.toMatch(/positional|-- "/);
    });
  }

  it("every command refuses an option it does not know, the same way", async () => {
    for (const args of COMMANDS) {
      const r = await runCli([...args, "--frobnicate"]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.split("\n")[0]).toMatch(/unknown option --frobnicate; this command takes /);
    }
  });
});

describe("exit status 1: the command ran and failed", () => {
  const failed: [string, () => string[], Record<string, string>, RegExp][] = [
    ["a database that does not answer", () => ["history", ID, ...NOWHERE], {}, /did not answer|unavailable|refused/i],
    ["a backup that is not there", () => ["backup", "verify", "20990101T000000Z-manual", "--dir", dir], {}, /no backup/],
    ["a file that is not there (import)", () => ["import", "--user", ID, join(dir, "missing.json"), ...NOWHERE], {}, /not a chat-memory-export document/],
    ["a file that is not there (calibrate)", () => ["calibrate", "--pairs", join(dir, "missing.jsonl"), ...NOWHERE], { EMBEDDINGS_PROVIDER: "offline" }, /missing\.jsonl|ENOENT/],
  ];
  for (const [what, args, env, said] of failed) {
    it(what, async () => {
      const r = await runCli(args(), env);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(said);
    });
  }
});

describe("help", () => {
  it("lines up every command's options and subcommands in one column", async () => {
    for (const args of COMMANDS) {
      const r = await runCli([args[0], ...(args[0] === "migrate" || args[0] === "backup" || args[0] === "embeddings" ? [args[1]] : []), "--help"]);
      expect(r.code, args[0]).toBe(0);
      const columns = new Set(r.stdout.split("\n")
        .map((line) => /^ {2}(\S(?:.*?\S)?) {2,}(?=\S)/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null && !m[1].startsWith("export "))
        .map((m) => m[0].length));
      expect([...columns], `${args[0]} --help`).toEqual([26]);
    }
  });
});
