/**
 * One MSW server per process intercepts `fetch` for every simulated world. Requests carry the id of their
 * world in a header, so several worlds (two drills compared side by side, a test and the app) can share
 * the process; a request without it is not ours and passes through to the network untouched, which is how
 * a scenario can point a provider at a real server. A request tagged for a world that has closed fails.
 *
 * MSW keeps every request it intercepts until the request's "response" event, which a network error
 * (`HttpResponse.error()`: a cut connection, a timeout the world answers once the caller gives up) never
 * fires, so those requests stay in its table — and with them what their handlers' stacks reach, the whole
 * world — until the server closes. The app never runs out of worlds (a reset attaches the new one before
 * the old one closes), so the server is also started afresh whenever a world has gone and no world has a
 * request waiting on its handler: the only moment that table holds nothing but leftovers.
 */
import { http, HttpResponse, passthrough, type HttpResponseResolver } from "msw";
import { setupServer } from "msw/node";
import { nextMacrotask } from "../clock";
import type { Transport } from "../http";
import { WORLD_HEADER } from "../labHeaders";

export interface SimulatedHost {
  handle(request: Request): Promise<Response>;
}

const worlds = new Map<string, SimulatedHost>();
/** Requests whose handler has not answered yet, by world; a world stays here past its detaching until they are. */
const unanswered = new Map<string, number>();
let server: ReturnType<typeof setupServer> | undefined;
/** A world has gone since the server started: it is started afresh once nothing is waiting. */
let worldGone = false;

const dispatch: HttpResponseResolver = ({ request }) => {
  const worldId = request.headers.get(WORLD_HEADER);
  if (worldId === null) return passthrough();
  const world = worlds.get(worldId);
  // A world that closed (a run reset mid-flight) is gone, not on the network: what its gateways still try
  // fails at once, rather than going out to a simulated host name.
  if (!world) return HttpResponse.error();
  unanswered.set(worldId, (unanswered.get(worldId) ?? 0) + 1);
  return world.handle(request).finally(() => answered(worldId));
};

function answered(worldId: string): void {
  const left = unanswered.get(worldId)! - 1;
  if (left > 0) unanswered.set(worldId, left);
  else unanswered.delete(worldId);
  if (unanswered.size === 0 && worldGone) void nextMacrotask().then(restartIfIdle);
}

function listening(): ReturnType<typeof setupServer> {
  const created = setupServer(http.all("*", dispatch));
  created.listen({ onUnhandledRequest: "bypass" });
  return created;
}

/** Starts the server afresh, dropping what MSW kept of the requests answered so far (see above). */
function restartIfIdle(): void {
  // Checked again a task later: MSW delivers the last answer after its handler settles.
  if (!server || !worldGone || unanswered.size > 0) return;
  worldGone = false;
  server.close();
  server = worlds.size > 0 ? listening() : undefined;
}

/** What `fetch` rejects with when MSW answers a network error, so that both transports fail alike. */
const networkError = () => new TypeError("Failed to fetch");

/**
 * The headless drill's transport: a request tagged for a world is handed to it directly, with no undici
 * dispatch and no interception; one without the tag goes out through `fetch` as it would through MSW.
 */
export const directTransport: Transport = (url, init) => {
  const request = new Request(url, init);
  const worldId = request.headers.get(WORLD_HEADER);
  if (worldId === null) return fetch(request);
  const world = worlds.get(worldId);
  if (!world) return Promise.reject(networkError());
  return world.handle(request).then((response) => (response.type === "error" ? Promise.reject(networkError()) : response));
};

/** Routes requests tagged with `worldId` to `host` until the returned function is called. */
export function attachWorld(worldId: string, host: SimulatedHost): () => void {
  if (worlds.has(worldId)) throw new Error(`simulated world "${worldId}" is already attached`);
  worlds.set(worldId, host);
  server ??= listening();
  return () => {
    if (!worlds.delete(worldId)) return;
    if (worlds.size === 0 && server) {
      server.close();
      server = undefined;
      worldGone = false;
      return;
    }
    worldGone = true;
    if (unanswered.size === 0) void nextMacrotask().then(restartIfIdle);
  };
}
