/**
 * DESIGN §10 — the state is bounded by open work, so history has no wall: a log holding more than
 * 2^24 contributions (V8's cap on the entries of one Map, where the ledger used to crash and could
 * never replay its own log again) folds through the ledger and replays through the audit, and both
 * reach byte-identical states with every close re-derived and no finding.
 *
 * The log is generated on the fly, page by page, never kept (17 million events would be gigabytes):
 * contributions spread over the nodes and epochs, one in 256 verified, the rest expiring unjudged at
 * the end of their verification window; each close is decided by the domain on the state it closes.
 * The generator stands in for an event store's readAll (the only call a catch-up makes); hashes are
 * distinct stand-ins, since the chain check is not what this test is about (test/eventStore, test/audit).
 * The full size takes minutes (two folds of 17 million events with 48 closes), too long for CI,
 * which runs the same test at 2^17 contributions; `CXT_MANY_CONTRIBUTIONS=16781312` runs it whole.
 */
import { describe, expect, it } from 'vitest';
import { createReplay } from '../../adapters/audit/replay.ts';
import type { Finding } from '../../adapters/audit/findings.ts';
import type { EventStore } from '../../adapters/eventStore/port.ts';
import { createLedger } from '../../adapters/ledger/index.ts';
import { canonicalSnapshot, verificationWindow, type LedgerState } from '../../domain/index.ts';
import { generatedLog, manyParams as params } from '../support/generatedLog.ts';

/** 2^24 + 4096 with CXT_MANY_CONTRIBUTIONS=16781312 (README: ~43 minutes here); CI runs 2^17 in ~15 s. */
const CONTRIBUTIONS = Number(process.env.CXT_MANY_CONTRIBUTIONS ?? 2 ** 17);
const EPOCHS = 48;
const NODES = 2000;
const PER_EPOCH = Math.ceil(CONTRIBUTIONS / EPOCHS);
const shape = { contributions: CONTRIBUTIONS, epochs: EPOCHS, nodes: NODES };

describe(`a log of ${CONTRIBUTIONS.toLocaleString('en')} contributions (2^24 = ${(2 ** 24).toLocaleString('en')})`, () => {
  it('folds through the ledger and replays through the audit to the same state, every close re-derived, no finding', async () => {
    let ledgerState: () => LedgerState = () => {
      throw new Error('not started');
    };
    const log = generatedLog(shape, { stateBefore: () => ledgerState() });
    const ledger = createLedger(log as unknown as EventStore, { pageSize: 20_000 });
    ledgerState = () => ledger.state;
    // A page that ends before a close is short, which ends a catch-up: catch up until the log is done.
    const started = performance.now();
    while (!log.done) await ledger.catchUp();
    const ledgerSeconds = (performance.now() - started) / 1000;
    expect(ledger.state.lastClosedEpoch).toBe(EPOCHS - 1);
    // Open work only: what the last verification window still holds, never the history.
    expect(ledger.state.contributions.size).toBeLessThanOrEqual(PER_EPOCH * (verificationWindow(params) + 1));
    expect(ledger.state.mintedWei).toBeGreaterThan(0n);
    const expired = log.closes.reduce((n, [close]) => n + Number(close!.data.expired ?? 0), 0);
    expect(expired).toBeGreaterThan(0);

    // The audit: the same log with its closes as the ledger pass recorded them, replayed from
    // nothing; each close is re-derived on the audit's own state and compared field by field.
    const findings: Finding[] = [];
    const replay = createReplay({ report: (f) => void (findings.length < 20 && findings.push(f)) });
    const again = generatedLog(shape, { recorded: log.closes });
    let line = 0;
    for (;;) {
      const page = await again.readAll({ maxCount: 20_000 });
      if (page.length === 0) break;
      for (const e of page) replay.apply(e, ++line);
    }
    replay.finish();
    if (process.env.CXT_MANY_CONTRIBUTIONS !== undefined)
      console.log(`${CONTRIBUTIONS} contributions, ${line} events: ledger ${ledgerSeconds.toFixed(1)} s, audit ${((performance.now() - started) / 1000 - ledgerSeconds).toFixed(1)} s, heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB, max RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
    expect(findings).toEqual([]);
    expect(replay.epochs).toHaveLength(EPOCHS);
    expect(canonicalSnapshot(replay.state).parts.join("\n")).toBe(canonicalSnapshot(ledger.state).parts.join("\n"));
  }, 3_600_000);
});
