/**
 * Assembles the outputs from the per-run row files: series.csv is their concatenation in (subset,
 * run) order, whatever order the runs finished in; quantiles.csv reads the runs of a subset in
 * lockstep, one epoch at a time, so only one row per run is in memory. A thinned copy of the
 * quantiles is kept for the report's charts.
 */
import { copyLines, openLineReader, openLineWriter, type LineReader } from './files.ts';
import { AMOUNT_METRICS, formatFloat, METRICS, SERIES_COLUMNS, type Metric } from './metrics.ts';
import { PERCENTILES, quantileOfBigints, quantileOfNumbers, sortBigints, sortNumbers } from './quantiles.ts';
import { weiToTokens } from './units.ts';

export const QUANTILE_COLUMNS = ['subset', 'epoch', 'metric', 'p5', 'p50', 'p95'] as const;

/** One charted epoch of one metric; amounts in whole tokens. */
export interface QuantilePoint {
  readonly epoch: number;
  readonly p5: number;
  readonly p50: number;
  readonly p95: number;
}

export type SubsetQuantiles = ReadonlyMap<Metric, readonly QuantilePoint[]>;

export interface MergeInput {
  readonly subsets: number;
  readonly runs: number;
  readonly rowsPath: (subset: number, run: number) => string;
  readonly seriesPath: string;
  readonly quantilesPath: string;
  /** Keep every n-th epoch (and the last) for the charts. */
  readonly chartEveryEpochs: number;
}

export const writeSeries = (input: MergeInput): void => {
  const out = openLineWriter(input.seriesPath);
  try {
    out.write(SERIES_COLUMNS.join(','));
    for (let s = 0; s < input.subsets; s++) for (let r = 0; r < input.runs; r++) copyLines(input.rowsPath(s, r), out);
  } finally {
    out.close();
  }
};

const quantileCells = (metric: Metric, cells: readonly string[]): { text: string[]; chart: [number, number, number] } => {
  if (AMOUNT_METRICS.has(metric)) {
    const sorted = sortBigints(cells.map((c) => BigInt(c)));
    const qs = PERCENTILES.map((p) => quantileOfBigints(sorted, p));
    return { text: qs.map(String), chart: qs.map(weiToTokens) as [number, number, number] };
  }
  const sorted = sortNumbers(cells.map(Number));
  const qs = PERCENTILES.map((p) => quantileOfNumbers(sorted, p));
  return { text: qs.map(formatFloat), chart: qs as [number, number, number] };
};

const readEpochRows = (readers: readonly LineReader[], subset: number): string[][] | undefined => {
  const lines = readers.map((r) => r.next());
  if (lines.every((l) => l === undefined)) return undefined;
  if (lines.some((l) => l === undefined)) throw new Error(`runs of subset ${subset} reported different numbers of epochs`);
  return lines.map((l) => l!.split(','));
};

/** Writes quantiles.csv and returns the charted quantiles of every subset. */
export const writeQuantiles = (input: MergeInput): SubsetQuantiles[] => {
  const out = openLineWriter(input.quantilesPath);
  const charts: SubsetQuantiles[] = [];
  try {
    out.write(QUANTILE_COLUMNS.join(','));
    for (let s = 0; s < input.subsets; s++) {
      const readers = Array.from({ length: input.runs }, (_, r) => openLineReader(input.rowsPath(s, r)));
      const points = new Map<Metric, QuantilePoint[]>(METRICS.map((m) => [m, []]));
      let last: Map<Metric, QuantilePoint> | undefined;
      try {
        for (let rows = readEpochRows(readers, s); rows; rows = readEpochRows(readers, s)) {
          const epoch = Number(rows[0]![2]);
          const keep = epoch % input.chartEveryEpochs === 0;
          last = new Map();
          METRICS.forEach((metric, m) => {
            const q = quantileCells(metric, rows.map((cells) => cells[m + 3]!));
            out.write(`${s},${epoch},${metric},${q.text.join(',')}`);
            const point = { epoch, p5: q.chart[0], p50: q.chart[1], p95: q.chart[2] };
            last!.set(metric, point);
            if (keep) points.get(metric)!.push(point);
          });
        }
      } finally {
        for (const r of readers) r.close();
      }
      for (const [metric, point] of last ?? []) {
        const list = points.get(metric)!;
        if (list[list.length - 1]?.epoch !== point.epoch) list.push(point);
      }
      charts.push(points);
    }
  } finally {
    out.close();
  }
  return charts;
};
