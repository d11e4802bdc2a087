/** One line for the log about a publisher step; undefined when it did nothing worth saying. */
import type { PublisherStep } from '../distribution/index.ts';

export const publisherSummary = (s: PublisherStep): string | undefined => {
  switch (s.action) {
    case 'idle':
      return undefined;
    case 'waiting':
      return `distribution ${s.seq} waits: ${s.reason}`;
    case 'published':
      return `distribution ${s.seq} proposed in ${s.txHash}, acceptable from ${s.validAt}${s.recovered ? ' (found on-chain after a restart)' : ''}`;
    case 'activated':
      return `distribution ${s.seq} accepted${s.txHash ? ` in ${s.txHash}` : ''}${s.recovered ? ' (found on-chain after a restart)' : ''}`;
    case 'revoked':
      return `distribution ${s.seq} was revoked on-chain in ${s.txHash}`;
  }
};
