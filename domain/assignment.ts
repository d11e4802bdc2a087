/**
 * Assignment of a task fragment to nodes: pure, deterministic, reproducible by anyone from the log.
 *
 * Each eligible node gets a score, keccak256 of the UTF-8 of JSON `[salt, taskId, fragmentId,
 * nodeId]` (strings only, so that text is also its RFC 8785 form), read as a 256-bit number; the
 * nodes are taken lowest score first, skipping a node whose operator already holds a seat of this
 * fragment, until r seats are filled (rendezvous hashing). The salt is the log head when the task
 * was posted (for a reassignment, the head the close was decided on), so scores cannot be known
 * before then. Every eligible node is equally likely to come first; the one-seat-per-operator rule
 * is the only thing that makes a node less likely, and only when its operator already has one.
 */
import { keccakHex } from './hashChain.ts';
import type { HardwareClass } from './events.ts';
import type { LedgerState, NodeState } from './state.ts';

const utf8 = new TextEncoder();

/** The rendezvous score of a node for a fragment, as 0x + 64 hex digits (comparing them as text orders them as numbers). */
export const seatScore = (salt: string, taskId: string, fragmentId: string, nodeId: string): string =>
  keccakHex(utf8.encode(JSON.stringify([salt, taskId, fragmentId, nodeId])));

/** An operator slashed (or with work rejected as fraud) in the last `windowEpochs` epochs up to `epoch` is not eligible. */
export const recentlySlashed = (state: LedgerState, operator: string, epoch: number, windowEpochs: number): boolean => {
  const at = state.recentSlashes.get(operator);
  return at !== undefined && at > epoch - windowEpochs;
};

/**
 * Nodes that may take a seat of a fragment of `hardwareClass` in `epoch`: registered, of that
 * class, their operator not recently slashed, and neither the node nor its operator already seated
 * in this fragment (`excludedNodes`, `excludedOperators`), in node id order.
 */
export const eligibleNodes = (
  state: LedgerState,
  hardwareClass: HardwareClass,
  epoch: number,
  windowEpochs: number,
  excludedOperators: ReadonlySet<string> = new Set(),
): NodeState[] => {
  const nodes: NodeState[] = [];
  for (const node of state.nodes.values())
    if (node.hardwareClass === hardwareClass && !excludedOperators.has(node.operator) && !recentlySlashed(state, node.operator, epoch, windowEpochs)) nodes.push(node);
  return nodes.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
};

/** How many seats `candidates` can fill with one node per operator: the number of distinct operators. */
export const seatCapacity = (candidates: readonly NodeState[]): number => new Set(candidates.map((n) => n.operator)).size;

/**
 * The r nodes of `candidates` that take the seats, in score order, at most one per operator; fewer
 * when the candidates have fewer operators (the caller checks `seatCapacity` first).
 */
export const chooseSeats = (salt: string, taskId: string, fragmentId: string, candidates: readonly NodeState[], r: number): NodeState[] => {
  const scored = candidates.map((node) => ({ node, score: seatScore(salt, taskId, fragmentId, node.nodeId) }));
  scored.sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : 0));
  const operators = new Set<string>();
  const seats: NodeState[] = [];
  for (const { node } of scored) {
    if (seats.length === r) break;
    if (operators.has(node.operator)) continue;
    operators.add(node.operator);
    seats.push(node);
  }
  return seats;
};
