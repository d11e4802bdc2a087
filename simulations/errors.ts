/** Failures of a simulation, each carrying what the CLI needs to name the culprit in one sentence. */

/** A scenario file, sweep or option that cannot be used as given. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

export interface RunLocation {
  readonly subset: number;
  readonly subsetLabel: string;
  readonly run: number;
  readonly epoch: number;
}

/** An invariant of DESIGN §9 failed after a close: the whole simulation stops with exit 1. */
export class InvariantFailure extends Error {
  constructor(
    readonly location: RunLocation,
    readonly invariant: string,
    readonly detail: string,
  ) {
    super(
      `invariant ${invariant} failed in subset ${location.subset} (${location.subsetLabel}), run ${location.run}, epoch ${location.epoch}: ${detail}`,
    );
    this.name = 'InvariantFailure';
  }
}

/** The domain refused a command the agents generated: a bug in the behaviour model, not in the rules. */
export class AgentCommandRefused extends Error {
  constructor(location: RunLocation, commandType: string, refusal: string) {
    super(`subset ${location.subset} (${location.subsetLabel}), run ${location.run}, epoch ${location.epoch}: ${commandType} was refused: ${refusal}`);
    this.name = 'AgentCommandRefused';
  }
}
