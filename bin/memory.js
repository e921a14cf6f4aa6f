#!/usr/bin/env node
// The `memory` operator command. The sources are TypeScript shared with Deno; tsx runs them on Node.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
