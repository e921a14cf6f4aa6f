// The field types of every request, each limited to what PostgreSQL can hold, so that input the database could not
// represent is a 400 naming the field here, never a data exception (SQLSTATE class 22) there:
// - text holds no NUL character (PostgreSQL's text cannot) and no lone surrogate (it would be stored as U+FFFD,
//   silently changing what was said);
// - whole numbers fit int4; a date-time has a time zone, an offset PostgreSQL accepts (under 16 hours) and falls
//   in year 1 or later (PostgreSQL has no year 0);
// - a JSON object nests at most MAX_JSON_DEPTH levels (deeper ones overflow a recursive encoder), and every key
//   and string in it follows the text rule.
// The value rules (ranges, lengths, the memory types) are the database's, which names the field and the rule.
import { z } from "zod";

export const MAX_JSON_DEPTH = 32;
const EARLIEST = Date.parse("0001-01-01T00:00:00Z");

/** Why a string cannot be stored as PostgreSQL text, or null when it can. */
export function textProblem(value: string): string | null {
  if (value.includes("\u0000")) return "must not contain the NUL character (U+0000)";
  if (!value.isWellFormed()) return "must be valid Unicode (a lone surrogate such as \\ud800 is not)";
  return null;
}

export const text = z.string({ error: "must be a string" }).check((ctx) => {
  const problem = textProblem(ctx.value);
  if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value, params: { rule: "text" } });
});

/** A UUID in its text form, any version, either case: the one pattern for ids checked outside zod too. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);

/** A name the database takes as 1 to 200 characters, not blank: a scope key (agent_id, run_id), an idempotency key. */
export const shortKey = text.meta({ minLength: 1, maxLength: 200 });

export const uuid = z.string({ error: "must be a UUID" }).regex(UUID_PATTERN, { error: "must be a UUID" });

export const int32 = z.int32({ error: "must be a whole number between -2147483648 and 2147483647" });

export const score = z.number({ error: "must be a number" });

/**
 * The kinds of memory, as public.memory_types() says (the database checks them; a test keeps this copy equal), for
 * the OpenAPI document and the client's types to show. A request's memory_type stays text here, so that a value
 * outside them is refused by the database, naming its rule, as before.
 */
export const MEMORY_TYPES = ["person", "preference", "event", "topic", "fact", "emotion"] as const;
export const memoryType = text.meta({ enum: [...MEMORY_TYPES], description: `one of ${MEMORY_TYPES.join(", ")} (default fact)` });

/** Why an ISO 8601 date-time (already of the right shape) is one PostgreSQL cannot hold, or null. */
function timestampProblem(value: string): string | null {
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  if (offset && Number(offset[2]) >= 16) return "must have a time zone offset under 16 hours";
  const at = Date.parse(value);
  if (Number.isNaN(at) || new Date(at).getUTCFullYear() < 1 || at < EARLIEST) return "must be in year 1 or later";
  return null;
}

export const timestamp = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time with a time zone" })
  .check((ctx) => {
    const problem = timestampProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value, params: { rule: "timestamp_range" } });
  });

/** The first problem in a JSON value that PostgreSQL's jsonb could not hold, with its path; walked without recursion. */
export function jsonProblem(value: unknown): { path: (string | number)[]; message: string } | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: node, path } = stack.pop()!;
    if (typeof node === "string") {
      const problem = textProblem(node);
      if (problem) return { path, message: problem };
      continue;
    }
    if (node === null || typeof node !== "object") continue;
    if (path.length >= MAX_JSON_DEPTH) return { path, message: `must nest at most ${MAX_JSON_DEPTH} levels` };
    for (const [key, child] of Object.entries(node)) {
      const keyProblem = Array.isArray(node) ? null : textProblem(key);
      if (keyProblem) return { path: [...path, key], message: `key ${keyProblem}` };
      stack.push({ value: child, path: [...path, Array.isArray(node) ? Number(key) : key] });
    }
  }
  return null;
}

export const jsonObject = z.record(z.string(), z.unknown(), { error: "must be a JSON object" }).check((ctx) => {
  const problem = jsonProblem(ctx.value);
  if (problem) ctx.issues.push({ code: "custom", message: problem.message, input: ctx.value, path: problem.path, params: { rule: "jsonb" } });
});
