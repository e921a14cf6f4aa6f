// `npm run openapi [-- SERVER_URL]`: the OpenAPI 3.1 document npm start serves, on stdout, with the functions' base
// URL of a deployed project (https://<ref>.supabase.co/functions/v1) for tools that import it.
import { openApiDocument } from "../../shared/openapi/document.ts";

const server = process.argv[2];
process.stdout.write(`${JSON.stringify(server ? openApiDocument(server) : openApiDocument(), null, 2)}\n`);
