// The API reference npm start serves: /functions/v1/openapi.json (the document) and /docs, Swagger UI (swagger-ui-dist
// from npm) rendering it, already authorized with the demo user's token so "Try it out" calls the local API.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { json } from "../shared/http/respond.ts";
import { openApiDocument } from "../shared/openapi/document.ts";
import type { Handler } from "./server.ts";

export const OPENAPI_PATH = "/functions/v1/openapi.json";
export const DOCS_PATH = "/docs";

const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
/** The renderer's files the page loads, and nothing else from that folder. */
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

/** Text for a <script> element: JSON with "<" escaped, so no value can close the element. */
const scriptValue = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

function page(token: string | undefined): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Chat memory API: reference</title>
  <link rel="icon" href="${DOCS_PATH}/favicon-32x32.png">
  <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
  <script>
    const token = ${scriptValue(token ?? null)};
    window.ui = SwaggerUIBundle({
      url: ${scriptValue(OPENAPI_PATH)},
      dom_id: "#reference",
      deepLinking: true,
      tryItOutEnabled: true,
      displayRequestDuration: true,
      // The demo user's token (npm start prints it too): requests from this page act as that user.
      onComplete: () => { if (token) window.ui.preauthorizeApiKey("userToken", token); },
    });
  </script>
</body>
</html>
`;
}

/** The functions npm start serves, and so the only ones its document describes. */
export const LOCAL_FUNCTIONS = ["memory-store", "memory-search"] as const;

/** The pages by exact path: the document, the reference page and its assets. */
export function docsPages(options: { token?: string } = {}): Record<string, Handler> {
  const pages: Record<string, Handler> = {
    [OPENAPI_PATH]: async () => json(openApiDocument(undefined, LOCAL_FUNCTIONS)),
    [DOCS_PATH]: async () => new Response(page(options.token), { headers: { "Content-Type": "text/html; charset=utf-8" } }),
  };
  for (const [file, type] of Object.entries(ASSETS)) {
    pages[`${DOCS_PATH}/${file}`] = async () =>
      new Response(await readFile(join(SWAGGER_UI, file)), { headers: { "Content-Type": type, "Cache-Control": "max-age=3600" } });
  }
  return pages;
}
