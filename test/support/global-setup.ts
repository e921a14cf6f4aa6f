// Once per `vitest run`: provision and start the local stack if needed, build the migrated template, and install the
// browser the page tests drive (so that no test's own hook waits for apt).
import { buildTemplate, startStack } from "../../scripts/db/local-stack.ts";
import { provisionBrowser } from "../../scripts/browser/index.ts";

export default async function setup(): Promise<void> {
  await startStack();
  await buildTemplate();
  await provisionBrowser();
}
