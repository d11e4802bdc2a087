/** Epoch read model: each close as recorded, with its pools and revenue split. */
import type { EventData } from '../domain/index.ts';

export type EpochRow = EventData<'EpochClosed'> & { readonly position: number; readonly recordedAt: string };

export const epochRow = (data: EventData<'EpochClosed'>, position: number, recordedAt: string): EpochRow => ({
  ...data,
  position,
  recordedAt,
});
