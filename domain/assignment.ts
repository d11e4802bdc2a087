/**
 * Assignment of a task fragment to nodes: pure, deterministic, reproducible by anyone from the log.
 *
 * Each eligible node gets a score, keccak256(F ‖ N) read as a 256-bit number, where
 * F = keccak256(UTF-8 of JSON `[salt, taskId, fragmentId]`) (strings only, so that text is also
 * its RFC 8785 form) and N = keccak256(UTF-8 of the nodeId). The nodes are taken lowest score
 * first, skipping a node whose operator already holds a seat of this fragment, until r seats are
 * filled (rendezvous hashing). The salt is the log head when the task was posted (for a
 * reassignment, the head the close was decided on), so scores cannot be known before then. Every
 * eligible node is equally likely to come first; the one-seat-per-operator rule is the only thing
 * that makes a node less likely, and only when its operator already has one.
 *
 * Cost: one keccak-f permutation per eligible node and fragment (N is kept per node; F once per
 * fragment), and no sort of the nodes: each operator's best node is found in one pass, and only
 * those are ordered. Scoring keccak256 of a JSON text per node instead took 5 µs per node —
 * 10 s for a task of 20 fragments over 100,000 nodes.
 */
import { keccak256Bytes } from './merkle/keccakSponge.ts';
import type { HardwareClass } from './events.ts';
import type { LedgerState, NodeState } from './state.ts';

const utf8 = new TextEncoder();

/** keccak256 of each node's id, computed once per node object (derived, never stored). */
const nodeHashes = new WeakMap<NodeState, Uint8Array>();
const nodeHash = (node: NodeState): Uint8Array => {
  let h = nodeHashes.get(node);
  if (!h) nodeHashes.set(node, (h = keccak256Bytes(utf8.encode(node.nodeId))));
  return h;
};

/** F = keccak256(UTF-8 of JSON [salt, taskId, fragmentId]). */
const fragmentSeed = (salt: string, taskId: string, fragmentId: string): Uint8Array => keccak256Bytes(utf8.encode(JSON.stringify([salt, taskId, fragmentId])));

const scoreBuffer = new Uint8Array(64);
const scoreBytes = (seed: Uint8Array, node: NodeState): Uint8Array => {
  scoreBuffer.set(seed, 0);
  scoreBuffer.set(nodeHash(node), 32);
  return keccak256Bytes(scoreBuffer);
};

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
};

/** An operator slashed (or with work rejected as fraud) in the last `windowEpochs` epochs up to `epoch` is not eligible. */
export const recentlySlashed = (state: LedgerState, operator: string, epoch: number, windowEpochs: number): boolean => {
  const at = state.recentSlashes.get(operator);
  return at !== undefined && at > epoch - windowEpochs;
};

/**
 * Nodes that may take a seat of a fragment of `hardwareClass` in `epoch`: registered, of that
 * class, their operator not recently slashed, in node id order. The same for every fragment of
 * the class at one decision, so callers compute it once per class; an operator already seated in
 * a fragment is skipped by chooseSeats.
 */
export const eligibleNodes = (state: LedgerState, hardwareClass: HardwareClass, epoch: number, windowEpochs: number): NodeState[] => {
  const nodes: NodeState[] = [];
  for (const node of state.nodes.values())
    if (node.hardwareClass === hardwareClass && !recentlySlashed(state, node.operator, epoch, windowEpochs)) nodes.push(node);
  return nodes.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
};

/** The distinct operators of `candidates`: how many seats they can fill, one per operator. */
export const candidateOperators = (candidates: readonly NodeState[]): ReadonlySet<string> => new Set(candidates.map((n) => n.operator));

/** How many seats `operators` can fill once those in `excluded` (already seated) are left out. */
export const seatCapacity = (operators: ReadonlySet<string>, excluded: ReadonlySet<string> = new Set()): number => {
  let seated = 0;
  for (const o of excluded) if (operators.has(o)) seated++;
  return operators.size - seated;
};

/**
 * The r nodes of `candidates` that take the seats (in node id order), at most one per operator and
 * none of an operator in `excludedOperators` (already seated in the fragment); fewer
 * when the candidates have fewer operators (the caller checks `seatCapacity` first). Walking all
 * nodes by score and skipping seated operators meets each operator first at its best node, so the
 * seats are the r operators with the lowest best scores, each with that node: kept in one pass as
 * a list of at most r entries with distinct operators (r ≤ 5), without sorting the nodes.
 */
export const chooseSeats = (
  salt: string,
  taskId: string,
  fragmentId: string,
  candidates: readonly NodeState[],
  r: number,
  excludedOperators: ReadonlySet<string> = new Set(),
): NodeState[] => {
  const seed = fragmentSeed(salt, taskId, fragmentId);
  const seats: Array<{ node: NodeState; score: Uint8Array; lead: number }> = [];
  for (const node of candidates) {
    if (excludedOperators.has(node.operator)) continue;
    const score = scoreBytes(seed, node);
    // The first 6 bytes as a number decide almost every comparison; equal leads compare in full.
    const lead = score[0]! * 2 ** 40 + score[1]! * 2 ** 32 + score[2]! * 2 ** 24 + score[3]! * 2 ** 16 + score[4]! * 2 ** 8 + score[5]!;
    const below = (x: { score: Uint8Array; lead: number }) => lead < x.lead || (lead === x.lead && compareBytes(score, x.score) < 0);
    if (seats.length === r && !below(seats[r - 1]!)) continue;
    const same = seats.findIndex((x) => x.node.operator === node.operator);
    if (same >= 0) {
      if (!below(seats[same]!)) continue;
      seats.splice(same, 1);
    }
    let at = seats.length;
    while (at > 0 && below(seats[at - 1]!)) at--;
    seats.splice(at, 0, { node, score, lead });
    if (seats.length > r) seats.pop();
  }
  // Recorded in node id order: the seats are a set, and so the record does not show the scores' order.
  return seats.map((x) => x.node).sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
};
