/**
 * Streaming keccak256 of long text on the wasm kernel. The dump of a million-leaf tree is ~290 MB
 * of JSON: @noble/hashes takes ~16 s for that here and building it as one string is near the JS
 * string limit, so the text is encoded straight into wasm memory piece by piece and absorbed there.
 */
import { hex32, writeHash32 } from './hex.ts';
import { createKeccakKernel, KECCAK256_BLOCK_BYTES, KERNEL_RESERVED_BYTES, KERNEL_STATE_AT } from './keccakWasm.ts';

const STAGE_BLOCKS = 8192; // ~1.1 MB staged per absorb call

/**
 * Keccak's padding (0x01 … 0x80) after `length` message bytes staged at `at`: zeroes the rest of
 * the last block and returns how many blocks to absorb from `at`.
 */
const padMessage = (memory: Uint8Array, at: number, length: number): number => {
  const blocks = Math.floor(length / KECCAK256_BLOCK_BYTES) + 1;
  memory.fill(0, at + length, at + blocks * KECCAK256_BLOCK_BYTES);
  memory[at + length]! ^= 0x01;
  memory[at + blocks * KECCAK256_BLOCK_BYTES - 1]! ^= 0x80;
  return blocks;
};
const STAGE_AT = KERNEL_RESERVED_BYTES;

export interface Keccak256Sponge {
  /** Appends the UTF-8 bytes of `text`. */
  update(text: string): void;
  /** `0x…` keccak256 of everything appended; the sponge is spent afterwards. */
  digestHex(): string;
}

export const createKeccak256Sponge = (): Keccak256Sponge => {
  const stageBytes = STAGE_BLOCKS * KECCAK256_BLOCK_BYTES;
  const kernel = createKeccakKernel(STAGE_AT + stageBytes);
  const memory = new Uint8Array(kernel.memory.buffer);
  const stage = memory.subarray(STAGE_AT, STAGE_AT + stageBytes);
  const encoder = new TextEncoder();
  let staged = 0;
  let spent = false;

  /** Absorbs every whole staged block and moves the partial one to the front. */
  const absorbWholeBlocks = () => {
    const blocks = Math.floor(staged / KECCAK256_BLOCK_BYTES);
    kernel.absorb(STAGE_AT, blocks);
    stage.copyWithin(0, blocks * KECCAK256_BLOCK_BYTES, staged);
    staged -= blocks * KECCAK256_BLOCK_BYTES;
  };

  return {
    update(text) {
      if (spent) throw new Error('keccak256 sponge already digested');
      let rest = text;
      for (;;) {
        const { read, written } = encoder.encodeInto(rest, stage.subarray(staged));
        staged += written;
        if (read === rest.length) return;
        // The stage is full (or the next character does not fit): make room and go on.
        rest = rest.slice(read);
        absorbWholeBlocks();
      }
    },
    digestHex() {
      if (spent) throw new Error('keccak256 sponge already digested');
      spent = true;
      absorbWholeBlocks();
      kernel.absorb(STAGE_AT, padMessage(memory, STAGE_AT, staged));
      return hex32(memory, KERNEL_STATE_AT);
    },
  };
};

/** Bytes one-shot hashing stages at a time; longer inputs are absorbed in several rounds. */
const ONE_SHOT_STAGE_BLOCKS = 64;
const ONE_SHOT_STAGE_BYTES = ONE_SHOT_STAGE_BLOCKS * KECCAK256_BLOCK_BYTES;
let oneShot: { kernel: ReturnType<typeof createKeccakKernel>; memory: Uint8Array } | undefined;

/** The thread's one-shot kernel, its state zeroed. Synchronous use only, so sharing it is safe. */
const oneShotKernel = () => {
  if (!oneShot) {
    const kernel = createKeccakKernel(STAGE_AT + ONE_SHOT_STAGE_BYTES);
    oneShot = { kernel, memory: new Uint8Array(kernel.memory.buffer) };
  }
  oneShot.memory.fill(0, KERNEL_STATE_AT, KERNEL_STATE_AT + 200);
  return oneShot;
};

/**
 * keccak256 of a byte string on one shared wasm kernel: the hash chain seals every envelope with
 * two of these, and the kernel is ~10× faster than @noble/hashes here. Synchronous, so sharing
 * the kernel is safe within a thread.
 */
export const keccak256Bytes = (input: Uint8Array): Uint8Array => {
  const { kernel, memory } = oneShotKernel();
  let offset = 0;
  // Whole blocks first, a stage at a time; the last partial block (maybe empty) is padded.
  while (input.length - offset >= KECCAK256_BLOCK_BYTES) {
    const blocks = Math.min(ONE_SHOT_STAGE_BLOCKS, Math.floor((input.length - offset) / KECCAK256_BLOCK_BYTES));
    memory.set(input.subarray(offset, offset + blocks * KECCAK256_BLOCK_BYTES), STAGE_AT);
    kernel.absorb(STAGE_AT, blocks);
    offset += blocks * KECCAK256_BLOCK_BYTES;
  }
  memory.set(input.subarray(offset), STAGE_AT);
  kernel.absorb(STAGE_AT, padMessage(memory, STAGE_AT, input.length - offset));
  return memory.slice(KERNEL_STATE_AT, KERNEL_STATE_AT + 32);
};

/**
 * keccak256(prev ‖ keccak256(utf8(text))) as `0x…` hex, for prev given as `0x` + 64 hex digits:
 * the hash-chain link, computed in the one-shot kernel's memory with the text encoded straight into
 * it (no byte array, no copy, no intermediate digest object). Undefined when prev is not such a
 * hash or the text does not fit one stage; the caller then takes the general path.
 */
export const keccak256Link = (prevHashHex: string, text: string): string | undefined => {
  const { kernel, memory } = oneShotKernel();
  // Room for the padding byte after the text: at most ONE_SHOT_STAGE_BYTES − 1 bytes of it.
  const { read, written } = linkEncoder.encodeInto(text, memory.subarray(STAGE_AT, STAGE_AT + ONE_SHOT_STAGE_BYTES - 1));
  if (read !== text.length) return undefined;
  kernel.absorb(STAGE_AT, padMessage(memory, STAGE_AT, written));
  // The link: prev (32 bytes) then the inner digest (the state's first 32), one padded block.
  if (!writeHash32(prevHashHex, memory, STAGE_AT)) return undefined;
  memory.copyWithin(STAGE_AT + 32, KERNEL_STATE_AT, KERNEL_STATE_AT + 32);
  memory.fill(0, KERNEL_STATE_AT, KERNEL_STATE_AT + 200);
  kernel.absorb(STAGE_AT, padMessage(memory, STAGE_AT, 64));
  return hex32(memory, KERNEL_STATE_AT);
};
const linkEncoder = new TextEncoder();
