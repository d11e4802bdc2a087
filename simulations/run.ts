/**
 * One Monte Carlo run: agents generate commands, the domain decides and folds them with explicit
 * time, every close is checked against the invariants of DESIGN §9, and one row per epoch goes to
 * `onRow` as soon as the epoch is closed (nothing of the series is kept).
 */
import { activeStakeFor, keccakJcs, paramsForEpoch, type Command, type EventData, type LedgerState } from '../domain/index.ts';
import { postTasks, taskResults } from './buyers.ts';
import { checkEpochClose, INVARIANTS, snapshotLedger, type InvariantName } from '../domain/invariants.ts';
import { createSimLedger, type SimLedger } from './ledger.ts';
import { runStreams } from './prng.ts';
import { createNetwork, epochWork, joinNodes, stepNetwork } from './network.ts';
import { createStakingAgents, genesisDeposits, observeApr, stakingCommands } from './staking.ts';
import { buybackCommand, epochsPerYear, nextPrice, revenueCommands } from './market.ts';
import { epochRow, formatRow } from './metrics.ts';
import { epochValue, HARDWARE_CLASSES } from './value.ts';
import { agentAddress } from './agents.ts';
import { AgentCommandRefused, InvariantFailure, type RunLocation } from './errors.ts';
import { createHeadline, finishHeadline, recordHeadline, type RunHeadline } from './headline.ts';
import type { Subset } from './sweep.ts';

export interface RunJob {
  readonly subset: Subset;
  readonly run: number;
  readonly seed: number;
}

/** Extension points for tests and diagnostics; called in the run's own thread. */
export interface RunHooks {
  /** After each close is folded and before the invariants are checked. */
  readonly afterClose?: (ctx: { readonly state: LedgerState; readonly epoch: number; readonly subset: number; readonly run: number }) => void;
}

export interface InvariantTally {
  readonly invariant: InvariantName;
  readonly checks: number;
  readonly violations: number;
}

export interface RunOutcome {
  readonly subset: number;
  readonly run: number;
  readonly invariants: readonly InvariantTally[];
  readonly headline: RunHeadline;
}

export interface RunCallbacks {
  readonly onRow: (line: string) => void;
  /** Called with the number of epochs finished since the last call. */
  readonly onProgress?: (epochs: number) => void;
}

const PROGRESS_EVERY_EPOCHS = 25;
/** Genesis-window deposits are recorded this long before genesis time. */
const GENESIS_WINDOW_SECONDS = 3600;

/**
 * Runs agents' commands; a refusal is a defect of the agents (they only send what the rules
 * accept) unless its code is one the agent cannot foresee: a task posted when too few nodes are
 * eligible, a result that arrives after its fragment was accepted by the results before it.
 */
const executor = (ledger: SimLedger, where: () => RunLocation) => (commands: readonly Command[], expected: ReadonlySet<string> = new Set()) => {
  for (const command of commands) {
    const decision = ledger.attempt(command);
    if (decision._tag === 'Left' && !expected.has(decision.left.code))
      throw new AgentCommandRefused(where(), command.type, `${decision.left.code} ${decision.left.message}`);
  }
};

const TASK_REFUSALS_EXPECTED = new Set(['TOO_FEW_ELIGIBLE_NODES', 'FRAGMENT_CLOSED']);

export const simulateRun = (job: RunJob, callbacks: RunCallbacks, hooks: RunHooks = {}): RunOutcome => {
  const { subset, run } = job;
  const { scenario, params } = subset;
  const rng = runStreams(job.seed, run);
  const ledger = createSimLedger(params);
  const state = ledger.state;
  const yearEpochs = epochsPerYear(params.epochLengthSeconds);
  let epoch = 0;
  const where = (): RunLocation => ({ subset: subset.index, subsetLabel: subset.label, run, epoch });
  const exec = executor(ledger, where);

  // Genesis window: configuration, verifiers, the first nodes and any genesis stake, before genesis time.
  ledger.now = params.genesisTimeSeconds - GENESIS_WINDOW_SECONDS;
  exec([{ type: 'ConfigureProtocol', params }]);
  // The marketplace's asset is registered as an operator would before billing starts (CXT already is).
  if (!state.assetRegistry.has(scenario.marketplace.asset))
    exec([{ type: 'RegisterAsset', asset: scenario.marketplace.asset, symbol: 'REVENUE', decimals: 18 }]);
  const verifiers = Array.from({ length: scenario.verification.verifiers }, (_, i) => agentAddress('verifier', i));
  exec(verifiers.map((verifier) => ({ type: 'RegisterVerifier', verifier })));
  const net = createNetwork();
  exec(joinNodes(net, scenario.network, rng.network, Math.min(scenario.network.initialNodes, scenario.network.maxNodes)));
  const agents = createStakingAgents(scenario.staking);
  exec(genesisDeposits(agents, scenario.staking));

  const tallies = new Map<InvariantName, { checks: number; violations: number }>(INVARIANTS.map((name) => [name, { checks: 0, violations: 0 }]));
  const headline = createHeadline(params);
  let price = scenario.price.initial;
  let burnedBefore = 0n;
  let sinceProgress = 0;
  let tasksPosted = 0;
  for (epoch = 0; epoch < scenario.epochs; epoch++) {
    ledger.now = ledger.startOf(epoch) + 1;
    if (epoch > 0) exec(stepNetwork(net, scenario.network, rng.network));
    exec(stakingCommands(agents, scenario.staking, state, net, rng.staking, epoch));
    const work = epochWork(net, scenario, rng.work, epoch, verifiers);
    exec(work.commands);
    exec(revenueCommands(scenario.marketplace, rng.demand, epoch, work.verifiedUnits, net.active.map((n) => n.operator.address), yearEpochs));
    if (scenario.tasks) {
      // The salt stands for the log head a service would use: unknown before the epoch, fixed by the
      // run — and the same in every subset (common random numbers), as the other draws are.
      const salt = keccakJcs(['sim', job.seed, run, epoch]);
      exec(postTasks(scenario.tasks, state, rng.tasks, epoch, scenario.marketplace.asset, salt, () => ++tasksPosted), TASK_REFUSALS_EXPECTED);
      exec(taskResults(scenario.tasks, state, job.seed, epoch), TASK_REFUSALS_EXPECTED);
    }
    const buyback = buybackCommand(state, scenario.marketplace.asset, scenario.buyback.spendShare, price, epoch);
    if (buyback) exec([buyback]);

    let activeStake = 0n;
    for (const account of agents.bonders) {
      const a = state.accounts.get(account);
      if (a) activeStake += activeStakeFor(a, epoch);
    }
    const before = snapshotLedger(state);
    const closed = ledger.close(epoch);
    if (closed._tag === 'Left') throw new AgentCommandRefused(where(), 'CloseEpoch', `${closed.left.code} ${closed.left.message}`);
    hooks.afterClose?.({ state, epoch, subset: subset.index, run });
    const tasksSettled = ledger.lastClose.flatMap((e) => (e.type === 'TaskSettled' ? [e.data as EventData<'TaskSettled'>] : []));

    const violations = checkEpochClose({
      params: paramsForEpoch(state, epoch) ?? params,
      before,
      after: snapshotLedger(state),
      closed: closed.right,
      allocations: state.lastAllocations,
      tasksSettled: tasksSettled.map((t) => ({
        taskId: t.taskId,
        asset: t.asset,
        initiator: t.initiator,
        budgetWei: t.budget,
        nodePay: t.nodePay.map((x) => ({ account: x.account, amountWei: x.amount })),
        feeWei: t.fee,
        refundWei: t.refund,
        accepted: t.accepted,
        failed: t.failed,
      })),
    });
    for (const tally of tallies.values()) tally.checks++;
    for (const v of violations) tallies.get(v.invariant)!.violations++;
    const first = violations[0];
    // The location already names the epoch; keep the check's own sentence.
    if (first) throw new InvariantFailure(where(), first.invariant, first.message.replace(/^epoch \d+: /, ''));

    const nodesByClass = Object.fromEntries(HARDWARE_CLASSES.map((c) => [c, 0])) as Record<(typeof HARDWARE_CLASSES)[number], number>;
    for (const n of net.active) nodesByClass[n.operator.hardwareClass]++;
    const value = epochValue({
      closed: closed.right,
      allocations: state.lastAllocations,
      cxtToken: params.cxtToken,
      circulatingWei: state.mintedWei - state.burnedWei,
      activeStakeWei: activeStake,
      price,
      epochsPerYear: yearEpochs,
      operatorClass: net.operatorClass,
      nodesByClass,
      model: scenario.value,
    });
    const row = epochRow({
      closed: closed.right,
      cxtToken: params.cxtToken,
      allocations: state.lastAllocations,
      mintedTotal: state.mintedWei,
      burnedTotal: state.burnedWei,
      burnedBefore,
      staked: state.stakedWei,
      activeStake,
      buyback: buyback?.type === 'BurnTokens' ? buyback.amount : 0n,
      nodes: net.active.length,
      edgeOperators: net.edgeOperators,
      price,
      epochsPerYear: yearEpochs,
      tasksSettled,
      value,
    });
    callbacks.onRow(formatRow(subset.index, run, row));
    recordHeadline(headline, row, work);
    burnedBefore = state.burnedWei;
    // The row's APR is the close's (0 without active stake, which stakers do not observe as a rate).
    observeApr(agents, scenario.staking, activeStake === 0n ? undefined : row.stakingApr);
    price = nextPrice(price, scenario.price, rng.price, yearEpochs);
    if (++sinceProgress === PROGRESS_EVERY_EPOCHS) {
      callbacks.onProgress?.(sinceProgress);
      sinceProgress = 0;
    }
  }
  if (sinceProgress > 0) callbacks.onProgress?.(sinceProgress);
  return {
    subset: subset.index,
    run,
    invariants: INVARIANTS.map((invariant) => ({ invariant, ...tallies.get(invariant)! })),
    headline: finishHeadline(headline, { registeredNodes: net.registered, operators: net.operators.length }),
  };
};
