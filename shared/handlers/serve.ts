// Routes a request by method, answers CORS preflight, and turns anything thrown into a JSON error.
import { ApiError } from "../http/errors.ts";
import { preflight } from "../http/cors.ts";
import { errorResponse } from "../http/respond.ts";

export type Route = (req: Request) => Promise<Response>;

export function byMethod(routes: Partial<Record<string, Route>>, log?: (message: string, error: unknown) => void) {
  const allow = ["OPTIONS", ...Object.keys(routes)].join(", ");
  return async (req: Request): Promise<Response> => {
    if (req.method === "OPTIONS") return preflight();
    const route = routes[req.method];
    try {
      if (!route) throw new ApiError(405, "method_not_allowed", `${req.method} is not supported here; use ${allow}`, [], { Allow: allow });
      return await route(req);
    } catch (error) {
      return errorResponse(error, log);
    }
  };
}
