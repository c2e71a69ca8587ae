import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  commandOf,
  DELETABLE_STATES,
  DEPLOYMENT_STATES,
  eventsFrom,
  HOLDING_STATES,
  INITIAL_STATE,
  nextState,
  TRANSITIONS,
  type DeploymentEvent,
  type DeploymentState,
  type Transition,
} from "./deployment-states.ts";

const EVENTS = Object.keys(TRANSITIONS) as DeploymentEvent[];
const table = (event: DeploymentEvent): Transition => TRANSITIONS[event];

describe("the deployment state machine", () => {
  it("takes each event only from its states, to its state, and refuses it from every other", () => {
    for (const event of EVENTS)
      for (const state of DEPLOYMENT_STATES) {
        const allowed = table(event).from.includes(state);
        const next = nextState(event, state, "ready");
        if (!allowed) assert.equal(next, undefined, `${event} from ${state} is refused`);
        else
          assert.equal(
            next,
            table(event).to === "back" ? "ready" : table(event).to,
            `${event} from ${state}`,
          );
      }
  });

  it("returns a refused update to where it started, and only to a state an update starts from", () => {
    assert.equal(nextState("refuse-update", "updating", "degraded"), "degraded");
    assert.equal(nextState("refuse-update", "updating", "ready"), "ready");
    assert.equal(nextState("refuse-update", "updating", "failed"), undefined);
    assert.equal(nextState("refuse-update", "updating"), undefined);
  });

  it("ends in deleted, which nothing leaves, and every state can get there", () => {
    assert.deepEqual(eventsFrom("deleted"), []);
    const reaches = (from: DeploymentState): boolean => {
      const seen = new Set<DeploymentState>([from]);
      const queue = [from];
      while (queue.length > 0) {
        const state = queue.shift()!;
        if (state === "deleted") return true;
        for (const event of eventsFrom(state)) {
          const to = nextState(event, state, "ready");
          if (to === undefined || seen.has(to)) continue;
          seen.add(to);
          queue.push(to);
        }
      }
      return false;
    };
    for (const state of DEPLOYMENT_STATES) assert.ok(reaches(state), `${state} can reach deleted`);
  });

  it("can reach every state from the one a deployment is created in", () => {
    const seen = new Set<DeploymentState>([INITIAL_STATE]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const state of [...seen])
        for (const event of eventsFrom(state)) {
          const to = nextState(event, state, "ready");
          if (to === undefined || seen.has(to)) continue;
          seen.add(to);
          grew = true;
        }
    }
    assert.deepEqual([...seen].sort(), [...DEPLOYMENT_STATES].sort());
  });

  it("gives each state at most one kind of worker command, but for a restart the record asks for", () => {
    for (const state of DEPLOYMENT_STATES) {
      const commands = new Set(
        EVENTS.map(table)
          .filter((t) => t.to === state && t.command !== undefined && t.command !== "restart")
          .map((t) => t.command),
      );
      assert.ok(commands.size <= 1, `${state}: ${[...commands].join(", ")}`);
      assert.equal(commandOf(state), [...commands][0]);
    }
    // The radio's policy restarts a degraded deployment: commandFor picks it from the record's reasonCode.
    assert.deepEqual(
      EVENTS.map(table)
        .filter((t) => t.command === "restart")
        .map((t) => [t.from, t.to]),
      [[["degraded"], "degraded"]],
    );
    assert.deepEqual(
      DEPLOYMENT_STATES.map((s) => [s, commandOf(s) ?? "-"]),
      [
        ["requested", "-"],
        ["planned", "provision"],
        ["provisioning", "-"],
        ["ready", "-"],
        ["updating", "provision"],
        ["degraded", "provision"],
        ["failed", "teardown"],
        ["deleting", "teardown"],
        ["deleted", "-"],
      ],
    );
  });

  it("holds resources from the plan until they are given back, and deletes from anywhere but the end", () => {
    assert.deepEqual(HOLDING_STATES, [
      "planned",
      "provisioning",
      "ready",
      "updating",
      "degraded",
      "deleting",
    ]);
    assert.deepEqual(
      DELETABLE_STATES,
      DEPLOYMENT_STATES.filter((s) => s !== "deleting" && s !== "deleted"),
    );
  });
});
