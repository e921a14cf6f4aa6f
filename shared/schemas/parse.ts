// Parses with a zod schema or throws a 400 listing every field and the rule it broke.
import type { z } from "zod";
import { ApiError } from "../http/errors.ts";

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join(".") : issue.code === "unrecognized_keys" ? (issue as { keys: string[] }).keys.join(", ") : "body",
    // A custom check names its rule (fields.ts); zod's own checks are named by their code.
    rule: issue.code === "custom" && typeof issue.params?.rule === "string" ? issue.params.rule : issue.code,
    message: issue.message,
  }));
  throw new ApiError(400, "invalid_request", `invalid request: ${details.map((d) => `${d.field}: ${d.message}`).join("; ")}`, details);
}
