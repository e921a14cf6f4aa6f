import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Two cores: more workers only queue on the database.
    maxWorkers: 3,
    reporters: ["default"],
  },
});
