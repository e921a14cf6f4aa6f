// `memory token --user ID`: a token for a local user of npm start, signed as npm start verifies it (its development
// secret, or SUPABASE_JWT_SECRET when set; its issuer on PORT). npm start makes the user on the token's first call.
import { DEMO_USER_ID, LOCAL_JWT_SECRET, localIssuer, serviceToken, userToken } from "../local/demo-auth.ts";
import { isUuid } from "../shared/schemas/fields.ts";
import { EXIT, parseCommand, UsageError } from "./command.ts";

const USAGE = `usage: memory token [--user ID | --service] [options]

A token for the local API of npm start (http://127.0.0.1:$PORT), printed alone on a line:
  export TOKEN=$(npx memory token --user 2b7c9f5e-4d1a-4c3b-9e8f-0a1b2c3d4e5f)

options:
  --user ID               the user (a UUID) the token signs in; npm start makes it on its first call (default: the demo user)
  --service               a service_role token instead, which may act for any user with "user_id"
  --ttl SECONDS           how long it is valid (default 604800, 7 days; at most 31536000)
  --port PORT             npm start's port, part of the token's issuer (default: $PORT, then 54321)
  -h, --help              this text`;

function whole(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not '${text}'`);
  return value;
}

export async function tokenCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand("token", USAGE, {
    user: { type: "string" }, service: { type: "boolean", default: false }, ttl: { type: "string" }, port: { type: "string" },
  }, argv);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  try {
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (values.user !== undefined && !isUuid(values.user)) throw new UsageError(`--user must be a UUID, not '${values.user}'`);
    if (values.user !== undefined && values.service) throw new UsageError("give --user or --service, not both");
    const ttl = whole("ttl", values.ttl, 7 * 86400, 1, 365 * 86400);
    const port = whole("port", values.port ?? process.env.PORT, 54321, 1, 65535);
    const secret = process.env.SUPABASE_JWT_SECRET ?? LOCAL_JWT_SECRET;
    const issuer = localIssuer(port);
    console.log(values.service ? await serviceToken(secret, issuer, ttl) : await userToken(values.user ?? DEMO_USER_ID, secret, issuer, ttl));
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`memory token: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
}
