/**
 * One MSW server per process intercepts `fetch` for every simulated world. Requests carry the id of their
 * world in a header, so several worlds (two drills compared side by side, a test and the app) can share
 * the process; a request without it is not ours and passes through to the network untouched, which is how
 * a scenario can point a provider at a real server.
 */
import { http, passthrough, type HttpResponseResolver } from "msw";
import { setupServer } from "msw/node";
import { WORLD_HEADER } from "../labHeaders";

export interface SimulatedHost {
  handle(request: Request): Promise<Response>;
}

const worlds = new Map<string, SimulatedHost>();
let server: ReturnType<typeof setupServer> | undefined;

const dispatch: HttpResponseResolver = ({ request }) => {
  const worldId = request.headers.get(WORLD_HEADER);
  const world = worldId === null ? undefined : worlds.get(worldId);
  if (!world) return passthrough();
  return world.handle(request);
};

/** Routes requests tagged with `worldId` to `host` until the returned function is called. */
export function attachWorld(worldId: string, host: SimulatedHost): () => void {
  if (worlds.has(worldId)) throw new Error(`simulated world "${worldId}" is already attached`);
  worlds.set(worldId, host);
  if (!server) {
    const created = setupServer(http.all("*", dispatch));
    created.listen({ onUnhandledRequest: "bypass" });
    server = created;
  }
  return () => {
    worlds.delete(worldId);
    if (worlds.size === 0 && server) {
      server.close();
      server = undefined;
    }
  };
}
