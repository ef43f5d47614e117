/**
 * The headers by which a simulated exchange names its world, its work key and the region it comes from.
 * The gateway's HTTP client sets them and the simulated world reads them; this module belongs to neither,
 * so the request path does not depend on the simulator.
 */

/** The simulated world a request belongs to; a request without it is not simulated and passes through. */
export const WORLD_HEADER = "x-lab-world";
/** The exchange's work key, which the simulated host suspends while it sleeps. */
export const WORK_HEADER = "x-lab-work";
/** The region the request is sent from, for the simulated network's round trip. */
export const FROM_REGION_HEADER = "x-lab-from";
