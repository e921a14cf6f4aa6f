// Routes a request by method and sub-path, answers CORS preflight, and turns anything thrown into a JSON error.
// A route is "POST" (the function's own path) or "POST /unmerge" (a path below it): Supabase hands a function
// every path under /functions/v1/<name>, and npm start does the same.
import { ApiError } from "../http/errors.ts";
import { preflight } from "../http/cors.ts";
import { errorResponse } from "../http/respond.ts";

export type Route = (req: Request) => Promise<Response>;

/** The path below the function's own, "" for the function itself: /functions/v1/memory-store/unmerge -> /unmerge. */
export function subPath(url: string, name: string): string {
  const path = new URL(url).pathname;
  const at = path.indexOf(`/${name}`);
  return at < 0 ? "" : path.slice(at + name.length + 1).replace(/\/+$/, "");
}

export function byMethod(routes: Partial<Record<string, Route>>, log?: (message: string, error: unknown) => void, name = "") {
  const methodsAt = (path: string) => Object.keys(routes)
    .filter((key) => (key.split(" ")[1] ?? "") === path).map((key) => key.split(" ")[0]);
  return async (req: Request): Promise<Response> => {
    if (req.method === "OPTIONS") return preflight();
    try {
      const path = name ? subPath(req.url, name) : "";
      const allowed = methodsAt(path);
      if (allowed.length === 0) {
        throw new ApiError(404, "not_found", `no route ${path} under ${name}`, [{ field: "path", rule: "route" }]);
      }
      // Own keys only: Deno passes any token as a method, and "toString" or "constructor" must not find
      // Object.prototype's.
      const key = path ? `${req.method} ${path}` : req.method;
      const route = Object.hasOwn(routes, key) ? routes[key] : undefined;
      const allow = ["OPTIONS", ...allowed].join(", ");
      if (!route) throw new ApiError(405, "method_not_allowed", `${req.method} is not supported here; use ${allow}`, [], { Allow: allow });
      return await route(req);
    } catch (error) {
      return errorResponse(error, log);
    }
  };
}
