// The deployment state machine as data: the states, and for each event the states it may happen in,
// the state it leads to and the command it gives the workers, if any. Every state change RANaaS makes
// goes through this table (services/api/deployment-lifecycle.ts), and the state sets others need are
// derived from it. Drawn in docs/architecture.md, "The deployment state machine".

export const DEPLOYMENT_STATES = [
  "requested",
  "planned",
  "provisioning",
  "ready",
  "updating",
  "degraded",
  "failed",
  "deleting",
  "deleted",
] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/** Each state by name, for code that asks about one: `record.state === STATE.ready`. */
export const STATE = Object.fromEntries(DEPLOYMENT_STATES.map((s) => [s, s])) as {
  readonly [S in DeploymentState]: S;
};

/** The state a deployment is created in: recorded, not planned yet. */
export const INITIAL_STATE: DeploymentState = "requested";

export type WorkerCommand = "provision" | "teardown" | "restart";

export interface Transition {
  readonly from: readonly DeploymentState[];
  /** The state it leads to; `back` returns to the state the event's deployment was in before `update`. */
  readonly to: DeploymentState | "back";
  /** What the workers are sent (from the record alone, so it can be sent again). */
  readonly command?: WorkerCommand;
}

export const TRANSITIONS = {
  /** The orchestrator planned and reserved a requested deployment. */
  plan: { from: ["requested"], to: "planned", command: "provision" },
  /** The orchestrator refused it (no RUs, compute, identities…): nothing was reserved. */
  refuse: { from: ["requested"], to: "failed" },
  /** A worker started provisioning. */
  progress: { from: ["planned"], to: "provisioning" },
  /** A worker reports the RAN running: a provision, an update or a heal succeeded. */
  ready: { from: ["planned", "provisioning", "updating", "degraded"], to: "ready" },
  /** A first provision failed: what was created is taken down and the reservations given back. */
  fail: { from: ["planned", "provisioning"], to: "failed", command: "teardown" },
  /** A teardown failed: the namespace stays; RANaaS says so. */
  "fail-teardown": { from: ["deleting"], to: "failed" },
  /** An update of a running deployment began (it is re-planned keeping what need not change). */
  update: { from: ["ready", "degraded"], to: "updating" },
  /** The re-plan was accepted: the new definition is provisioned. */
  "plan-update": { from: ["updating"], to: "updating", command: "provision" },
  /** The re-plan was refused or not answered: the deployment stays as it was. */
  "refuse-update": { from: ["updating"], to: "back" },
  /** An update or heal could not become ready: it stays, degraded, and RANaaS tries again later. */
  "fail-change": { from: ["updating", "degraded"], to: "degraded" },
  /**
   * The workers brought a first provision up, but its radio is not healthy yet (its CU and DU do not
   * report every AMF, F1, cell and RU link up): it stays provisioning until the radio is.
   */
  "await-radio": { from: ["planned", "provisioning"], to: "provisioning" },
  /** The same for an update: it stays updating until its radio is healthy (an update restarts the CU or DU). */
  "await-radio-update": { from: ["updating"], to: "updating" },
  /**
   * A heal or a restart brought the pods back, but the radio is not healthy yet: it stays degraded
   * (reason code `radio`) until it is.
   */
  "await-radio-again": { from: ["degraded"], to: "degraded" },
  /** The radio reports healthy: a provision or update waiting for it, or a deployment degraded by its radio. */
  "radio-healthy": { from: ["provisioning", "updating", "degraded"], to: "ready" },
  /**
   * A running deployment's radio reports a fault (an AMF lost, F1 down, a cell off, late fronthaul), or
   * a provision or update waited longer than the provision deadline for its radio to be healthy.
   */
  "radio-lost": { from: ["ready", "provisioning", "updating"], to: "degraded" },
  /**
   * The radio's fault outlasted its policy's patience (`telemetry.onRadioFailure`): the workers restart the
   * component it names (a rollout of the CU or DU); the deployment stays degraded until the radio is healthy.
   */
  "radio-restart": { from: ["degraded"], to: "degraded", command: "restart" },
  /** What runs was changed behind RANaaS's back (self-healing off: it only says so). */
  drift: { from: ["ready"], to: "degraded" },
  /** RANaaS provisions the definition again (drift with self-healing on, or a retry of a failed change). */
  heal: { from: ["ready", "degraded"], to: "degraded", command: "provision" },
  /** A delete of a deployment with nothing provisioned: it is gone at once. */
  discard: { from: ["requested", "failed"], to: "deleted" },
  /** A delete of what runs: the workers take its namespace down. */
  delete: {
    from: ["requested", "planned", "provisioning", "ready", "updating", "degraded", "failed"],
    to: "deleting",
    command: "teardown",
  },
  /** The namespace is gone and the reservations given back. */
  "torn-down": { from: ["deleting"], to: "deleted" },
} as const satisfies Record<string, Transition>;

export type DeploymentEvent = keyof typeof TRANSITIONS;

/**
 * Where `event` takes a deployment in state `current`: undefined when the event cannot happen there.
 * `before` is the state an update started from (for `refuse-update`).
 */
export function nextState(
  event: DeploymentEvent,
  current: DeploymentState,
  before?: DeploymentState,
): DeploymentState | undefined {
  const t: Transition = TRANSITIONS[event];
  if (!t.from.includes(current)) return undefined;
  if (t.to !== "back") return t.to;
  return before !== undefined && TRANSITIONS.update.from.includes(before as never) ? before : undefined;
}

const EVENTS = Object.keys(TRANSITIONS) as DeploymentEvent[];
const statesWhere = (keep: (s: DeploymentState) => boolean) => DEPLOYMENT_STATES.filter(keep);

/** States a delete may start from. */
export const DELETABLE_STATES: readonly DeploymentState[] = statesWhere((s) =>
  (TRANSITIONS.delete.from as readonly DeploymentState[]).includes(s),
);

/** States that hold RUs, identities and compute: planned, and not yet given back (failed, deleted). */
export const HOLDING_STATES: readonly DeploymentState[] = statesWhere(
  (s) => s !== INITIAL_STATE && s !== "failed" && s !== "deleted",
);

/** States the orchestrator plans in: a create's and an update's. */
export const PLANNING_STATES: readonly DeploymentState[] = [
  ...TRANSITIONS.plan.from,
  ...TRANSITIONS["plan-update"].from,
];

/** States no event leaves by itself: a create settles in one of them. */
export const TERMINAL_STATES: readonly DeploymentState[] = ["ready", "failed", "deleted"];

/** States an update settles in: a terminal one, or `degraded` when it failed (RANaaS then tries again). */
export const UPDATE_SETTLED_STATES: readonly DeploymentState[] = [...TERMINAL_STATES, "degraded"];

/** States a delete settles in: torn down, or failed when the teardown failed. */
export const DELETE_SETTLED_STATES: readonly DeploymentState[] = [
  TRANSITIONS["torn-down"].to,
  TRANSITIONS["fail-teardown"].to,
];

/** States of a deployment on its way out: a delete began, or it is gone. */
export const LEAVING_STATES: readonly DeploymentState[] = [
  TRANSITIONS.delete.to,
  TRANSITIONS["torn-down"].to,
];

/**
 * The command the workers are sent for a deployment in `state` whose dispatch is pending: the first
 * event into it that gives one (a `degraded` deployment's is a provision, unless the record says it
 * is being restarted: services/api/worker-commands.ts).
 */
export function commandOf(state: DeploymentState): WorkerCommand | undefined {
  for (const event of EVENTS) {
    const t: Transition = TRANSITIONS[event];
    if (t.to === state && t.command !== undefined && t.command !== "restart") return t.command;
  }
  return undefined;
}

/** Every event that can happen in `state`. */
export function eventsFrom(state: DeploymentState): DeploymentEvent[] {
  return EVENTS.filter((event) => (TRANSITIONS[event].from as readonly DeploymentState[]).includes(state));
}
