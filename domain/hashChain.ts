/**
 * The tamper-evident log (DESIGN §3): every envelope commits to its predecessor's hash.
 * hash = keccak256(prevHash ‖ keccak256(JCS(envelope without hash and position))).
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from './jcs.ts';
import { keccak256Bytes, keccak256Link } from './merkle/keccakSponge.ts';

export const ZERO_HASH = `0x${'00'.repeat(32)}`;

/** An event as the store keeps it: JSON data, global position, and its link in the chain. */
export interface StoredEvent {
  readonly id: string;
  readonly type: string;
  readonly stream: string;
  /** 1-based version of the event within its stream. */
  readonly streamVersion: number;
  /** 1-based, gap-free position in the global log. */
  readonly position: number;
  /** ISO-8601 UTC timestamp with milliseconds. */
  readonly recordedAt: string;
  readonly data: Record<string, unknown>;
  readonly prevHash: string;
  readonly hash: string;
}

export type UnhashedEnvelope = Omit<StoredEvent, 'hash' | 'position'>;

/** RFC 8785 canonical JSON (jcs.ts). */
export const jcs = (value: unknown): string => {
  const text = canonicalJson(value);
  if (text === undefined) throw new Error('value cannot be canonicalized as JSON');
  return text;
};

const utf8 = new TextEncoder();

export const keccakHex = (bytes: Uint8Array): string => `0x${bytesToHex(keccak256Bytes(bytes))}`;
export const keccakJcs = (value: unknown): string => keccakHex(utf8.encode(jcs(value)));

const str = JSON.stringify;

/**
 * JCS of the hashed part of an envelope. Its members are fixed, so for a well-typed envelope the
 * text is written in JCS key order directly (data, id, prevHash, recordedAt, stream,
 * streamVersion, type) — the same bytes as canonicalizing the object, without building and
 * sorting it; anything else (a malformed line under audit) goes through the general path.
 */
const envelopeJcs = (e: UnhashedEnvelope): string => {
  const { id, type, stream, streamVersion, recordedAt, data, prevHash } = e;
  const plain = [id, type, stream, recordedAt, prevHash].every((v) => typeof v === 'string' && v.isWellFormed());
  if (plain && Number.isSafeInteger(streamVersion) && data !== null && typeof data === 'object' && !Array.isArray(data))
    return `{"data":${jcs(data)},"id":${str(id)},"prevHash":${str(prevHash)},"recordedAt":${str(recordedAt)},"stream":${str(stream)},"streamVersion":${streamVersion},"type":${str(type)}}`;
  return jcs({ id, type, stream, streamVersion, recordedAt, data, prevHash });
};

export const hashEnvelope = (e: UnhashedEnvelope): string => {
  const text = envelopeJcs(e);
  const fast = typeof e.prevHash === 'string' ? keccak256Link(e.prevHash, text) : undefined;
  if (fast !== undefined) return fast;
  // A prevHash that is not 0x-hex or an envelope over one stage: the same hash, the long way.
  const prev = hexToBytes(e.prevHash.slice(2));
  const linked = new Uint8Array(prev.length + 32);
  linked.set(prev, 0);
  linked.set(keccak256Bytes(utf8.encode(text)), prev.length);
  return keccakHex(linked);
};

/** Seal an envelope: the store calls this under its append lock, with the current head as prevHash. */
export const sealEnvelope = (e: UnhashedEnvelope, position: number): StoredEvent => ({ ...e, position, hash: hashEnvelope(e) });

export type ChainFaultKind = 'position-gap' | 'broken-link' | 'hash-mismatch';

export interface ChainFault {
  readonly position: number;
  readonly kind: ChainFaultKind;
  readonly message: string;
}

export type ChainVerification =
  | { readonly ok: true; readonly count: number; readonly head: string }
  | { readonly ok: false; readonly count: number; readonly fault: ChainFault };

/**
 * Incremental verifier, so a log of any length streams through in bounded memory.
 * `push` returns the first fault found at that event; after a fault the verifier keeps it.
 */
export const createChainVerifier = () => {
  let expectedPosition = 1;
  let head = ZERO_HASH;
  let count = 0;
  let fault: ChainFault | undefined;
  return {
    push(e: StoredEvent): ChainFault | undefined {
      if (fault) return fault;
      if (e.position !== expectedPosition) {
        fault = {
          position: e.position,
          kind: 'position-gap',
          message:
            e.position > expectedPosition
              ? `position ${expectedPosition} is missing: the log jumps to ${e.position} (an event was deleted)`
              : `position ${e.position} appears again after ${expectedPosition - 1} (an event was inserted or reordered)`,
        };
        return fault;
      }
      if (e.prevHash !== head) {
        fault = {
          position: e.position,
          kind: 'broken-link',
          message: `event at position ${e.position} does not link to its predecessor (prevHash ${e.prevHash}, expected ${head}): an event before it was edited, deleted, inserted or reordered`,
        };
        return fault;
      }
      const recomputed = hashEnvelope(e);
      if (recomputed !== e.hash) {
        fault = {
          position: e.position,
          kind: 'hash-mismatch',
          message: `event at position ${e.position} was altered: its content hashes to ${recomputed}, the log says ${e.hash}`,
        };
        return fault;
      }
      head = e.hash;
      expectedPosition++;
      count++;
      return undefined;
    },
    result(): ChainVerification {
      return fault ? { ok: false, count, fault } : { ok: true, count, head };
    },
  };
};

export const verifyChain = (events: Iterable<StoredEvent>): ChainVerification => {
  const verifier = createChainVerifier();
  for (const e of events) if (verifier.push(e)) break;
  return verifier.result();
};
