// Where the project's own files are, wherever the command is run from.
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const MIGRATIONS_DIR = fileURLToPath(new URL("../supabase/migrations", import.meta.url));
