/**
 * Keccak-256 kernel for the Merkle tree, generated as WebAssembly at load time.
 *
 * Why not @noble/hashes here: on the 2-core reference machine one noble `keccak_256` call costs
 * ~6.5 µs and the best hand-unrolled JavaScript permutation ~2.3 µs (JS has no 64-bit integers,
 * so every lane is two 32-bit halves). A tree of n leaves needs 3n − 1 permutations, so 1M leaves
 * cannot be built in 5 s in JavaScript. WebAssembly has native i64 xor/and/rotl, which makes the
 * permutation ~0.4 µs. Outside the build loop (verify, single leaves, tests) noble remains the
 * reference, and the tests check this kernel against it.
 *
 * Only single-block inputs are needed (96-byte ABI encoding, 32-byte hash, 64-byte pair), so each
 * exported function writes its fixed padding around the message and calls the permutation.
 * Little-endian loads and stores are part of the wasm spec, so the bytes are the same on any host.
 */
import { I32, I64, assembleModule, op, type Bytes, type WasmFunction } from './wasmAssembler.ts';

const RATE_LANES = 17; // 136-byte rate of Keccak-256
const PAD_FIRST = 0x01n; // Keccak (pre-SHA-3) domain padding
const PAD_LAST = 0x8000000000000000n;

/** ρ rotation offsets and ι round constants, derived as in the Keccak reference rather than copied. */
const rotationOffsets = (): number[] => {
  const offsets = new Array<number>(25).fill(0);
  let x = 1;
  let y = 0;
  for (let t = 0; t < 24; t++) {
    offsets[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  return offsets;
};

const roundConstants = (): bigint[] => {
  let lfsr = 1;
  const nextBit = (): number => {
    const bit = lfsr & 1;
    lfsr = lfsr & 0x80 ? ((lfsr << 1) ^ 0x71) & 0xff : (lfsr << 1) & 0xff;
    return bit;
  };
  const constants: bigint[] = [];
  for (let round = 0; round < 24; round++) {
    let rc = 0n;
    for (let j = 0; j < 7; j++) if (nextBit()) rc |= 1n << BigInt((1 << j) - 1);
    constants.push(rc);
  }
  return constants;
};

const ROTATIONS = rotationOffsets();
const ROUND_CONSTANTS = roundConstants();

/**
 * Kernel-owned memory: the round constants and the 200-byte state. Callers place their data from
 * KERNEL_RESERVED_BYTES on. The state goes through memory between calls, which costs 50 loads and
 * stores against ~2,000 operations of the permutation, and lets one compact loop serve every hash.
 */
const ROUND_CONSTANTS_AT = 0;
/** The 25 lanes, little-endian; after a hash its first 32 bytes are the digest. */
export const KERNEL_STATE_AT = 256;
const STATE_AT = KERNEL_STATE_AT;
export const KERNEL_RESERVED_BYTES = 512;

/** Local indices of keccakF: the round offset (i32), the state A, the ρπ scratch B, the θ parities C and D. */
const L = {
  round: 0,
  a: (lane: number) => 1 + lane,
  b: (lane: number) => 26 + lane,
  c: (x: number) => 51 + x,
  d: 56,
};

const roundBody = (): number[] => {
  const code: number[] = [];
  const emit = (...parts: (number | Bytes)[]) => {
    for (const p of parts) typeof p === 'number' ? code.push(p) : code.push(...p);
  };
  for (let x = 0; x < 5; x++) {
    emit(op.localGet(L.a(x)));
    for (let y = 1; y < 5; y++) emit(op.localGet(L.a(x + 5 * y)), op.i64Xor);
    emit(op.localSet(L.c(x)));
  }
  for (let x = 0; x < 5; x++) {
    emit(op.localGet(L.c((x + 4) % 5)), op.localGet(L.c((x + 1) % 5)), op.i64Const(1n), op.i64Rotl, op.i64Xor, op.localSet(L.d));
    for (let y = 0; y < 5; y++) emit(op.localGet(L.a(x + 5 * y)), op.localGet(L.d), op.i64Xor, op.localSet(L.a(x + 5 * y)));
  }
  for (let x = 0; x < 5; x++)
    for (let y = 0; y < 5; y++) {
      const shift = ROTATIONS[x + 5 * y]!;
      emit(op.localGet(L.a(x + 5 * y)));
      if (shift !== 0) emit(op.i64Const(BigInt(shift)), op.i64Rotl);
      emit(op.localSet(L.b(y + 5 * ((2 * x + 3 * y) % 5))));
    }
  for (let y = 0; y < 5; y++)
    for (let x = 0; x < 5; x++) {
      const lane = (dx: number) => L.b(((x + dx) % 5) + 5 * y);
      emit(op.localGet(lane(0)), op.localGet(lane(1)), op.i64Const(-1n), op.i64Xor, op.localGet(lane(2)), op.i64And, op.i64Xor);
      emit(op.localSet(L.a(x + 5 * y)));
    }
  // ι with this round's constant, then advance the round offset by one constant (8 bytes).
  emit(op.localGet(L.a(0)), op.localGet(L.round), op.i64Load(ROUND_CONSTANTS_AT), op.i64Xor, op.localSet(L.a(0)));
  emit(op.localGet(L.round), op.i32Const(8), op.i32Add, op.localSet(L.round));
  return code;
};

/**
 * Function 0, keccakF(): Keccak-f[1600] over the state in memory, one round per loop iteration.
 * Measured on the reference machine: unrolling 2, 4 or all 24 rounds is 20–80% slower, because
 * the unrolled code (~1.5 KB per round) stops fitting the instruction cache.
 */
const keccakFunction = (): WasmFunction => {
  const body: number[] = [];
  for (let lane = 0; lane < 25; lane++) body.push(...op.i32Const(0), ...op.i64Load(STATE_AT + 8 * lane), ...op.localSet(L.a(lane)));
  body.push(...op.loop);
  body.push(...roundBody());
  body.push(...op.localGet(L.round), ...op.i32Const(8 * 24), op.i32LtU, ...op.brIf(0), op.end);
  for (let lane = 0; lane < 25; lane++) body.push(...op.i32Const(0), ...op.localGet(L.a(lane)), ...op.i64Store(STATE_AT + 8 * lane));
  return { params: [], locals: [[1, I32], [56, I64]], body };
};
const KECCAK_F = 0;

/**
 * Writes a single padded block into the state: lanes below `messageLanes` from `load(lane)` (or
 * left as they are when it gives undefined), then the padding bits, then zeros.
 */
const absorbBlock = (messageLanes: number, load: (lane: number) => number[] | undefined): number[] => {
  const code: number[] = [];
  for (let lane = 0; lane < 25; lane++) {
    let value: number[] | undefined;
    if (lane < messageLanes) value = load(lane);
    else {
      let bits = 0n;
      if (lane === messageLanes) bits |= PAD_FIRST;
      if (lane === RATE_LANES - 1) bits |= PAD_LAST;
      value = op.i64Const(bits);
    }
    if (value) code.push(...op.i32Const(0), ...value, ...op.i64Store(STATE_AT + 8 * lane));
  }
  return code;
};

const storeDigest = (outParam: number): number[] =>
  [0, 1, 2, 3].flatMap((lane) => [...op.localGet(outParam), ...op.i32Const(0), ...op.i64Load(STATE_AT + 8 * lane), ...op.i64Store(lane * 8)]);

/** leafHash(in, out): out[0..32) = keccak256(keccak256(in[0..96))), OpenZeppelin's standard leaf. */
const leafHashFunction = (): WasmFunction => ({
  exportName: 'leafHash',
  params: [I32, I32],
  locals: [],
  body: [
    ...absorbBlock(12, (lane) => [...op.localGet(0), ...op.i64Load(lane * 8)]),
    ...op.call(KECCAK_F),
    // The first digest is lanes 0–3 already: keep them and re-pad around them.
    ...absorbBlock(4, () => undefined),
    ...op.call(KECCAK_F),
    ...storeDigest(1),
  ],
});

/** pairHash(first, second, out): out = keccak256(first[0..32) ‖ second[0..32)); the caller orders the pair. */
const pairHashFunction = (): WasmFunction => ({
  exportName: 'pairHash',
  params: [I32, I32, I32],
  locals: [],
  body: [...absorbBlock(8, (lane) => [...op.localGet(lane < 4 ? 0 : 1), ...op.i64Load((lane % 4) * 8)]), ...op.call(KECCAK_F), ...storeDigest(2)],
});

/** Rate of Keccak-256 in bytes: what absorb() takes per block. */
export const KECCAK256_BLOCK_BYTES = 8 * RATE_LANES;

/**
 * absorb(blocks, count): XORs `count` consecutive 136-byte blocks into the state, permuting after
 * each; the sponge for long messages (padding and the digest are the caller's, see keccakSponge.ts).
 */
const absorbFunction = (): WasmFunction => {
  const [blocks, count] = [0, 1];
  const body: number[] = [...op.block, ...op.localGet(count), op.i32Eqz, ...op.brIf(0), ...op.loop];
  for (let lane = 0; lane < RATE_LANES; lane++)
    body.push(
      ...op.i32Const(0),
      ...op.i32Const(0),
      ...op.i64Load(STATE_AT + 8 * lane),
      ...op.localGet(blocks),
      ...op.i64Load(8 * lane),
      op.i64Xor,
      ...op.i64Store(STATE_AT + 8 * lane),
    );
  body.push(...op.call(KECCAK_F));
  body.push(...op.localGet(blocks), ...op.i32Const(KECCAK256_BLOCK_BYTES), op.i32Add, ...op.localSet(blocks));
  body.push(...op.localGet(count), ...op.i32Const(1), op.i32Sub, ...op.localTee(count), ...op.brIf(0), op.end, op.end);
  return { exportName: 'absorb', params: [I32, I32], locals: [], body };
};

const roundConstantBytes = (): number[] =>
  ROUND_CONSTANTS.flatMap((rc) => Array.from({ length: 8 }, (_, i) => Number((rc >> BigInt(8 * i)) & 0xffn)));

/** The part of the WebAssembly JS API used here (the TS lib for Node does not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
export interface KeccakKernel {
  readonly memory: WasmMemory;
  leafHash(inOffset: number, outOffset: number): void;
  pairHash(firstOffset: number, secondOffset: number, outOffset: number): void;
  absorb(blocksOffset: number, blockCount: number): void;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

export const WASM_PAGE_BYTES = 65_536;

let compiled: object | undefined;

/**
 * A fresh kernel with its own memory of at least `bytes`, made at that size and never grown. One
 * instance per tree, so a tree owns its node buffer and nothing is shared between builds. The
 * module is compiled once, on first use.
 */
export const createKeccakKernel = (bytes: number): KeccakKernel => {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  compiled ??= new wasm.Module(
    assembleModule([keccakFunction(), leafHashFunction(), pairHashFunction(), absorbFunction()], [{ offset: ROUND_CONSTANTS_AT, bytes: roundConstantBytes() }], 1),
  );
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES)) });
  const { leafHash, pairHash, absorb } = new wasm.Instance(compiled, { env: { memory } }).exports as Omit<KeccakKernel, 'memory'>;
  return { memory, leafHash, pairHash, absorb };
};
