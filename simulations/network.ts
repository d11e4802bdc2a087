/**
 * The node population and its work: nodes join (registering with the domain), churn, and each
 * epoch every node that is up records one aggregated contribution, which a random verifier then
 * verifies or rejects (invalid, fraud). One contribution per node per epoch is a batching choice:
 * the domain pays by units, so splitting a node's epoch of work into more records changes nothing
 * but the floors and the run time.
 */
import type { Command, HardwareClass } from '../domain/index.ts';
import type { Prng } from './prng.ts';
import { bernoulli, logNormal, pick, pickIndex, pickWeighted, roundedCount } from './random.ts';
import type { NetworkModel, Scenario } from './scenario.ts';
import { agentAddress, SIM_PROOF_HASH } from './agents.ts';

export interface SimOperator {
  readonly address: string;
  /** An operator runs one hardware class, so rewards can be attributed to a class. */
  readonly hardwareClass: HardwareClass;
}

export interface SimNode {
  readonly index: number;
  readonly nodeId: string;
  readonly operator: SimOperator;
}

export interface Network {
  readonly operators: SimOperator[];
  /** Nodes that have joined and not churned, in joining order. */
  active: SimNode[];
  registered: number;
  /** Addresses of operators running edge devices. */
  readonly edgeOperators: Set<string>;
  /** Each operator's hardware class, by address. */
  readonly operatorClass: Map<string, HardwareClass>;
}

export const createNetwork = (): Network => ({ operators: [], active: [], registered: 0, edgeOperators: new Set(), operatorClass: new Map() });

const newOperator = (net: Network, model: NetworkModel, rng: Prng): SimOperator => {
  const operator = { address: agentAddress('operator', net.operators.length), hardwareClass: pickWeighted(rng, model.hardwareMix) };
  net.operators.push(operator);
  net.operatorClass.set(operator.address, operator.hardwareClass);
  if (operator.hardwareClass === 'edge') net.edgeOperators.add(operator.address);
  return operator;
};

/** Adds `count` nodes and returns their registrations. */
export const joinNodes = (net: Network, model: NetworkModel, rng: Prng, count: number): Command[] => {
  const commands: Command[] = [];
  for (let i = 0; i < count; i++) {
    const joinExisting = net.operators.length > 0 && bernoulli(rng, 1 - 1 / model.nodesPerOperator);
    const operator = joinExisting ? net.operators[pickIndex(rng, net.operators.length)]! : newOperator(net, model, rng);
    const node: SimNode = { index: net.registered, nodeId: `n${net.registered}`, operator };
    net.registered++;
    net.active.push(node);
    commands.push({ type: 'RegisterNode', nodeId: node.nodeId, operator: operator.address, signer: operator.address, hardwareClass: operator.hardwareClass });
  }
  return commands;
};

/** Churn, then growth up to maxNodes; returns the new registrations. */
export const stepNetwork = (net: Network, model: NetworkModel, rng: Prng): Command[] => {
  if (model.churnPerEpoch > 0) net.active = net.active.filter(() => !bernoulli(rng, model.churnPerEpoch));
  const room = Math.max(0, model.maxNodes - net.active.length);
  return joinNodes(net, model, rng, Math.min(room, roundedCount(rng, net.active.length * model.growthPerEpoch)));
};

export interface EpochWork {
  readonly commands: Command[];
  /** Units of the contributions that were verified (what the marketplace bills for). */
  readonly verifiedUnits: number;
  readonly contributingNodes: number;
}

/** The work of one epoch: a contribution per node that is up, each judged by a random verifier. */
export const epochWork = (net: Network, scenario: Scenario, rng: Prng, epoch: number, verifiers: readonly string[]): EpochWork => {
  const { network, verification } = scenario;
  const commands: Command[] = [];
  let verifiedUnits = 0;
  let contributingNodes = 0;
  for (const node of net.active) {
    if (!bernoulli(rng, network.uptime)) continue;
    contributingNodes++;
    const dist = network.unitsPerNode[node.operator.hardwareClass];
    const units = Math.max(1, Math.round(logNormal(rng, dist.median, dist.sigma)));
    const contributionId = `c${epoch}.${node.index}`;
    commands.push({
      type: 'RecordContribution',
      contributionId,
      nodeId: node.nodeId,
      epoch,
      kind: pickWeighted(rng, network.kindMix),
      units,
      proofHash: SIM_PROOF_HASH,
    });
    const verifier = pick(rng, verifiers);
    const verdict = rng.next();
    if (verdict < verification.fraudRate) commands.push({ type: 'RejectContribution', contributionId, verifier, reason: 'fraud' });
    else if (verdict < verification.fraudRate + verification.invalidRate)
      commands.push({ type: 'RejectContribution', contributionId, verifier, reason: 'invalid' });
    else {
      commands.push({ type: 'VerifyContribution', contributionId, verifier });
      verifiedUnits += units;
    }
  }
  return { commands, verifiedUnits, contributingNodes };
};
