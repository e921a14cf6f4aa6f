// Reads a JSON request body within a size limit: 413 past it, 400 when it is not JSON or not an object.
import { ApiError } from "./errors.ts";

export const MAX_BODY_BYTES = 64 * 1024;

export async function readJsonBody(req: Request, limit = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (declared > limit) throw tooLarge(limit);
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "send the body as JSON with Content-Type: application/json",
      [{ field: "content-type", rule: "application/json" }]);
  }
  // JSON is UTF-8 (RFC 8259); a charset parameter may only say so.
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(type)?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new ApiError(415, "unsupported_media_type", `send the body as UTF-8 JSON; charset=${charset} is not accepted`,
      [{ field: "content-type", rule: "charset=utf-8" }]);
  }
  const reader = req.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read().catch(() => {
        throw new ApiError(400, "malformed_body", "the body could not be read to its end", [{ field: "body", rule: "complete" }]);
      });
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(concat(chunks, size));
  } catch {
    throw new ApiError(400, "malformed_body", "the body is not valid UTF-8", [{ field: "body", rule: "utf-8" }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, "malformed_json", `the body is not valid JSON: ${(error as Error).message}`, [{ field: "body", rule: "json" }]);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ApiError(400, "invalid_body", "the body must be a JSON object", [{ field: "body", rule: "object" }]);
  }
  return parsed as Record<string, unknown>;
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, "payload_too_large", `the body is over the limit of ${limit} bytes`, [{ field: "body", rule: "max_bytes" }]);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
