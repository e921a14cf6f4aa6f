// The browser the tests drive: Debian's chromium, installed by provision.sh when missing (which then prints its path).
import { ROOT, run } from "../db/local-stack.ts";

export async function provisionBrowser(): Promise<string> {
  const { stdout } = await run("bash", [`${ROOT}scripts/browser/provision.sh`], { timeout: 600_000 });
  return stdout.trim();
}
