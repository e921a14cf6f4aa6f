// A local stand-in for a remote OpenAI-compatible embeddings API (which cannot run here): a real HTTP server
// speaking its protocol (POST /v1/embeddings), answering with the offline lexical vectors, or failing on demand.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { lexicalEmbedding } from "../../shared/embeddings/offline.ts";

export type Mode = "ok" | "error" | "hang" | "wrong_dimensions";

export interface FakeEmbeddingsApi {
  baseUrl: string;
  requests: { model: string; input: string[]; authorization?: string }[];
  mode: Mode;
  close(): Promise<void>;
}

export async function startFakeEmbeddingsApi(): Promise<FakeEmbeddingsApi> {
  const state: FakeEmbeddingsApi = { baseUrl: "", requests: [], mode: "ok", close: async () => {} };
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/embeddings") {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw) as { model: string; input: string | string[] };
      const input = Array.isArray(body.input) ? body.input : [body.input];
      state.requests.push({ model: body.model, input, authorization: req.headers.authorization });
      if (state.mode === "hang") return; // never answers: the client's timeout must fire
      if (state.mode === "error") {
        res.writeHead(500, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { message: "upstream failure" } }));
        return;
      }
      const data = input.map((text, index) => ({
        object: "embedding", index,
        embedding: state.mode === "wrong_dimensions" ? [0.1, 0.2, 0.3] : lexicalEmbedding(text),
      }));
      res.writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ object: "list", data, model: body.model, usage: { prompt_tokens: 0, total_tokens: 0 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return state;
}
