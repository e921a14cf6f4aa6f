// Once per `vitest run`: provision and start the local stack if needed, then build the migrated template.
import { buildTemplate, startStack } from "../../scripts/db/local-stack.ts";

export default async function setup(): Promise<void> {
  await startStack();
  await buildTemplate();
}
