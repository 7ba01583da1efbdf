// The client's pacing interface (the request and outcome shapes live in src/core/stripe-request.ts).

/**
 * Paces attempts per rate-limit endpoint. The client awaits `acquire(endpoint)` before every attempt and
 * reports what came back with `observe`. `endpoint` is the method and path template of the request, from
 * `endpointKey(method, path)` in `./endpoint.ts` (`POST /v1/customers/{id}`, `GET /v1/customers`).
 */
export interface Pacer {
  /** Resolves when the request may be sent: a token from the endpoint's bucket and from the global one. */
  acquire(endpoint: string): Promise<void>;
  /** Called after each attempt with its endpoint, status (0 for a network error) and latency in ms. */
  observe(endpoint: string, status: number, latencyMs: number): void;
}
