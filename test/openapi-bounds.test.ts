// The OpenAPI document promises exactly what the API does: every operation's example succeeds as shown for the demo
// user (what /docs fills in), and every bound the document states (minimum, maximum, minLength, maxLength,
// minItems, maxItems) is where the API starts refusing: the bound itself is answered 2xx, one step past it 400
// naming the field. Generic over the document, so a new bound is checked as soon as it is stated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresExecutor } from "../shared/db/executor.ts";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import { openApiDocument } from "../shared/openapi/document.ts";
import { OPERATION_EXAMPLES } from "../shared/openapi/examples.ts";
import { keepDocsExamples } from "../local/docs-examples.ts";
import { LOCAL_FUNCTIONS } from "../local/docs.ts";
import { call, startApi, type ApiFixture } from "./support/http.ts";

const DEMO = "00000000-0000-4000-8000-00000000d3e0";
let api: ApiFixture;
let token: string;

beforeAll(async () => {
  api = await startApi({ embedder: new OfflineEmbedder() });
  await api.database.sql`insert into auth.users (id) values (${DEMO})`;
  await keepDocsExamples(postgresExecutor(api.database.sql), DEMO);
  token = await api.tokenFor(DEMO);
}, 60_000);
afterAll(async () => api?.close());

interface Op { path: string; method: string; operationId: string; schema?: any; parameters?: any[] }

const doc = openApiDocument(undefined, LOCAL_FUNCTIONS) as any;
const operations: Op[] = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, o]) => ({
    path, method, operationId: o.operationId, parameters: o.parameters,
    schema: o.requestBody?.content["application/json"].schema,
  })));

/** Sends an operation with a body (JSON) or a query. */
function send(op: Op, input: { body?: unknown; query?: Record<string, unknown> }) {
  const query = new URLSearchParams(Object.entries(input.query ?? {}).map(([k, v]) => [k, String(v)]));
  const url = `${api.base}${op.path}${[...query].length ? `?${query}` : ""}`;
  return call(url, { method: op.method.toUpperCase(), token, body: input.body });
}

/** The string or number branch of a property's schema (a nullable field is anyOf [it, null]). */
const branch = (schema: any): any => schema.anyOf?.find((s: any) => s.type !== "null") ?? schema;

/** A letter no other probe's text uses, so that no two probes store the same fact. */
let letters = 0;
const nextLetter = () => String.fromCodePoint(0x4e00 + letters++);

/** Each bound as [value at it, value one step past it]. */
function boundValues(schema: any): [string, unknown, unknown][] {
  const s = branch(schema);
  const step = s.type === "integer" ? 1 : 0.01;
  const letter = nextLetter();
  const text = (n: number) => letter.repeat(n);
  const out: [string, unknown, unknown][] = [];
  if (s.minimum !== undefined) out.push(["minimum", s.minimum, s.minimum - step]);
  if (s.maximum !== undefined) out.push(["maximum", s.maximum, s.maximum + step]);
  if (s.minLength !== undefined) out.push(["minLength", text(s.minLength), text(s.minLength - 1)]);
  if (s.maxLength !== undefined) out.push(["maxLength", text(s.maxLength), text(s.maxLength + 1)]);
  const fact = (i: number) => ({ fact: `Bound probe fact number ${i}` });
  if (s.minItems !== undefined) out.push(["minItems", Array.from({ length: s.minItems }, (_, i) => fact(i)), Array.from({ length: s.minItems - 1 }, (_, i) => fact(i))]);
  if (s.maxItems !== undefined) out.push(["maxItems", Array.from({ length: s.maxItems }, (_, i) => fact(i)), Array.from({ length: s.maxItems + 1 }, (_, i) => fact(i))]);
  return out;
}

describe("the OpenAPI document's examples", () => {
  it("has one for every operation npm start serves", () => {
    for (const op of operations) expect(OPERATION_EXAMPLES[op.operationId], op.operationId).toBeDefined();
  });

  for (const op of operations) {
    it(`${op.operationId} succeeds as shown, twice`, async () => {
      for (let click = 0; click < 2; click++) {
        const answer = await send(op, OPERATION_EXAMPLES[op.operationId]);
        // Forgetting the same memory twice is a 409 by design; the first click is the one /docs offers.
        if (click === 1 && op.operationId === "forgetMemory") continue;
        expect(answer.status, `${op.operationId} click ${click + 1}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
      }
    });
  }
});

describe("the OpenAPI document's bounds", () => {
  for (const op of operations) {
    const example = OPERATION_EXAMPLES[op.operationId];
    const fields: [string, any, "body" | "query"][] = [
      ...Object.entries(op.schema?.properties ?? {}).map(([name, s]) => [name, s, "body"] as [string, any, "body"]),
      ...(op.parameters ?? []).map((p: any) => [p.name, p.schema ?? p.content["application/json"].schema, "query"] as [string, any, "query"]),
    ];
    for (const [field, schema, where] of fields) {
      for (const [bound, at, past] of boundValues(schema)) {
        it(`${op.operationId} ${field} ${bound}`, async () => {
          const withValue = (value: unknown) => where === "body"
            ? { body: { ...(example.body as object), [field]: value } }
            : { query: { ...example.query, [field]: value } };
          const ok = await send(op, withValue(at));
          expect(ok.status, `at the bound: ${JSON.stringify(ok.body).slice(0, 300)}`).toBeLessThan(300);
          const refused = await send(op, withValue(past));
          expect(refused.status, `past the bound: ${JSON.stringify(refused.body).slice(0, 300)}`).toBe(400);
          expect(refused.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
        });
      }
    }
  }
});
