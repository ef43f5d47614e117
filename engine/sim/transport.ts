/**
 * How requests reach the simulated worlds. A headless drill hands them over directly ({@link directTransport});
 * for every other session, one MSW server per process intercepts `fetch`. Requests carry the id of their
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
import type { Transport, TransportResponse } from "../http";
import { WORLD_HEADER } from "../labHeaders";

/** What a simulated host reads of a request: a `Request` has it, and so has the direct transport's lighter form. */
export interface SimulatedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}

/**
 * A simulated host's answer, before it is a `Response`: building one (its headers, its body's stream) cost
 * more than the rest of a simulated exchange, and the direct transport has no use for it.
 */
export type SimulatedAnswer =
  | { readonly kind: "network-error" }
  | { readonly kind: "answer"; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string | ReadableStream<Uint8Array> };

const NETWORK_ERROR: SimulatedAnswer = { kind: "network-error" };

/** Answers as `HttpResponse` words them: a JSON body, any body, or a network error (a cut connection). */
export const reply = {
  json: (data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): SimulatedAnswer => ({
    kind: "answer",
    status: init.status ?? 200,
    headers: { "content-type": "application/json", ...init.headers },
    body: JSON.stringify(data),
  }),
  body: (body: string | ReadableStream<Uint8Array>, init: { headers: Record<string, string> }): SimulatedAnswer => ({ kind: "answer", status: 200, headers: init.headers, body }),
  error: (): SimulatedAnswer => NETWORK_ERROR,
};

export interface SimulatedHost {
  handle(request: SimulatedRequest): Promise<SimulatedAnswer>;
}

function toResponse(answer: SimulatedAnswer): Response {
  return answer.kind === "network-error" ? HttpResponse.error() : new HttpResponse(answer.body, { status: answer.status, headers: answer.headers });
}

/** An answer as the direct transport hands it over: a body's stream is made only if the client asks for it. */
class DirectResponse implements TransportResponse {
  readonly status: number;
  private readonly answerHeaders: Readonly<Record<string, string>>;
  private readonly answerBody: string | ReadableStream<Uint8Array>;

  constructor(answer: Extract<SimulatedAnswer, { kind: "answer" }>) {
    this.status = answer.status;
    this.answerHeaders = answer.headers;
    this.answerBody = answer.body;
  }

  readonly headers = { get: (name: string): string | null => this.answerHeaders[name.toLowerCase()] ?? null };

  get body(): ReadableStream<Uint8Array> | null {
    return typeof this.answerBody === "string" ? new Response(this.answerBody).body : this.answerBody;
  }

  async text(): Promise<string> {
    return typeof this.answerBody === "string" ? this.answerBody : new Response(this.answerBody).text();
  }
}

const worlds = new Map<string, SimulatedHost>();
/** Worlds some transport reaches through the global `fetch`: the MSW server runs while there is one. */
const intercepted = new Set<string>();
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
  return world
    .handle(request)
    .then(toResponse)
    .finally(() => answered(worldId));
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
  server = intercepted.size > 0 ? listening() : undefined;
}

/** What `fetch` rejects with when MSW answers a network error, so that both transports fail alike. */
const networkError = () => new TypeError("Failed to fetch");

/**
 * The headless drill's transport: a request tagged for a world is handed to it directly, with no undici
 * dispatch, no interception and no `Request` built; one without the tag goes out through `fetch`, as it
 * would through MSW. Its worlds are attached without MSW, whose interceptors also slow every `Headers`
 * and `Response` the process builds.
 */
export const directTransport: Transport = (url, init) => {
  const headers = new Headers(init.headers);
  const worldId = headers.get(WORLD_HEADER);
  if (worldId === null) return fetch(url, init);
  const world = worlds.get(worldId);
  if (!world) return Promise.reject(networkError());
  const { body } = init;
  const request: SimulatedRequest = {
    url,
    method: init.method ?? "GET",
    headers,
    json: async () => JSON.parse(typeof body === "string" ? body : ""),
  };
  return world.handle(request).then((answer) => (answer.kind === "network-error" ? Promise.reject(networkError()) : new DirectResponse(answer)));
};

/**
 * Routes requests tagged with `worldId` to `host` until the returned function is called: through the MSW
 * server unless `transport` is the direct one, which reaches the world without it.
 */
export function attachWorld(worldId: string, host: SimulatedHost, transport?: Transport): () => void {
  if (worlds.has(worldId)) throw new Error(`simulated world "${worldId}" is already attached`);
  worlds.set(worldId, host);
  if (transport === directTransport) return () => void worlds.delete(worldId);
  intercepted.add(worldId);
  server ??= listening();
  return () => {
    if (!worlds.delete(worldId)) return;
    intercepted.delete(worldId);
    if (intercepted.size === 0 && server) {
      server.close();
      server = undefined;
      worldGone = false;
      return;
    }
    worldGone = true;
    if (unanswered.size === 0) void nextMacrotask().then(restartIfIdle);
  };
}
