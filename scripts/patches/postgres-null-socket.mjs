// postinstall: guards postgres.js 3.4.9 against writing to a connection that closed meanwhile.
// Upstream bug porsager/postgres#1154 and #1208 (fix proposed in #1209, not released): a write under 1 KB is
// scheduled with setImmediate; when the server goes away first, closed() nulls the socket (and clears the timer
// without forgetting it), then nextWrite() calls socket.write on null and throws from the immediate callback,
// an uncaught exception that ends the process (seen here: an edge function under Deno died when the database
// restarted). The guard settles the queries that were waiting with CONNECTION_CLOSED instead, which the API
// answers as 503. Node (src, cjs) and the Cloudflare build (cf) get the same patch; Deno reads node_modules too
// (deno.json: nodeModulesDir "manual"). Idempotent; fails loudly if postgres.js changed and the patch no longer fits.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const MARK = "supabase-chat-memory: null socket guard";
const root = fileURLToPath(new URL("../../node_modules/postgres/", import.meta.url));

const edits = [
  {
    from: "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n",
    to: `  function nextWrite(fn) {
    if (!socket) { // ${MARK} (porsager/postgres#1208)
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)
`,
  },
  {
    // closed(): the cleared timer is forgotten too, or the next write on this connection is never scheduled.
    from: "    incomings = null\n    clearImmediate(nextWriteTimer)\n",
    to: "    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n",
  },
];

if (!existsSync(root)) process.exit(0); // postgres not installed (a partial install): nothing to patch
const version = JSON.parse(readFileSync(`${root}package.json`, "utf8")).version;
for (const dir of ["src", "cjs/src", "cf/src"]) {
  const file = `${root}${dir}/connection.js`;
  let source = readFileSync(file, "utf8");
  if (source.includes(MARK)) continue;
  for (const { from, to } of edits) {
    if (!source.includes(from)) {
      console.error(`postgres-null-socket: postgres ${version} ${dir}/connection.js no longer has the code this patch fixes; check porsager/postgres#1208 and update or drop the patch`);
      process.exit(1);
    }
    source = source.replace(from, to);
  }
  writeFileSync(file, source);
}
