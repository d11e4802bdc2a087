/**
 * Keccak-256 kernel for the Merkle tree, generated as WebAssembly at load time.
 *
 * Why not @noble/hashes here: on the 2-core reference machine one noble `keccak_256` call costs
 * ~6.5 µs and the best hand-unrolled JavaScript permutation ~2.3 µs (JS has no 64-bit integers,
 * so every lane is two 32-bit halves). A tree of n leaves needs 3n − 1 permutations, so 1M leaves
 * cannot be built in 5 s in JavaScript. WebAssembly has native i64 xor/and/rotl, which makes the
 * permutation several times faster. Outside the build loop (verify, single leaves, tests) noble
 * remains the reference, and the tests check this kernel against it.
 *
 * Only single-block inputs are needed (96-byte ABI encoding, 32-byte hash, 64-byte pair), so the
 * padding is fixed per function and the whole state lives in wasm locals: no state in memory.
 * Little-endian loads and stores are part of the wasm spec, so the bytes are the same on any host.
 */
import { I32, assembleModule, op, type Bytes } from './wasmAssembler.ts';

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

/** Local indices of the state A, the ρπ scratch B, the θ column parities C and D, after `base` params. */
const stateLocals = (base: number) => ({
  a: (lane: number) => base + lane,
  b: (lane: number) => base + 25 + lane,
  c: (x: number) => base + 50 + x,
  d: base + 55,
  count: 56,
});
type Locals = ReturnType<typeof stateLocals>;

const permutation = (l: Locals): number[] => {
  const code: number[] = [];
  const emit = (...parts: (number | Bytes)[]) => {
    for (const p of parts) typeof p === 'number' ? code.push(p) : code.push(...p);
  };
  for (const rc of ROUND_CONSTANTS) {
    for (let x = 0; x < 5; x++) {
      emit(op.localGet(l.a(x)));
      for (let y = 1; y < 5; y++) emit(op.localGet(l.a(x + 5 * y)), op.i64Xor);
      emit(op.localSet(l.c(x)));
    }
    for (let x = 0; x < 5; x++) {
      emit(op.localGet(l.c((x + 4) % 5)), op.localGet(l.c((x + 1) % 5)), op.i64Const(1n), op.i64Rotl, op.i64Xor, op.localSet(l.d));
      for (let y = 0; y < 5; y++) emit(op.localGet(l.a(x + 5 * y)), op.localGet(l.d), op.i64Xor, op.localSet(l.a(x + 5 * y)));
    }
    for (let x = 0; x < 5; x++)
      for (let y = 0; y < 5; y++) {
        const shift = ROTATIONS[x + 5 * y]!;
        emit(op.localGet(l.a(x + 5 * y)));
        if (shift !== 0) emit(op.i64Const(BigInt(shift)), op.i64Rotl);
        emit(op.localSet(l.b(y + 5 * ((2 * x + 3 * y) % 5))));
      }
    for (let y = 0; y < 5; y++)
      for (let x = 0; x < 5; x++) {
        const lane = (dx: number) => l.b(((x + dx) % 5) + 5 * y);
        emit(op.localGet(lane(0)), op.localGet(lane(1)), op.i64Const(-1n), op.i64Xor, op.localGet(lane(2)), op.i64And, op.i64Xor);
        emit(op.localSet(l.a(x + 5 * y)));
      }
    emit(op.localGet(l.a(0)), op.i64Const(rc), op.i64Xor, op.localSet(l.a(0)));
  }
  return code;
};

/**
 * Sets every lane for a single padded block: `loaded[i]` pushes lane i of the message
 * (or is undefined when lane i is already in place), then the padding bits and zeros.
 */
const absorbBlock = (l: Locals, messageLanes: number, load: (lane: number) => number[] | undefined): number[] => {
  const code: number[] = [];
  for (let lane = 0; lane < 25; lane++) {
    if (lane < messageLanes) {
      const loaded = load(lane);
      if (loaded) code.push(...loaded, ...op.localSet(l.a(lane)));
      continue;
    }
    let value = 0n;
    if (lane === messageLanes) value |= PAD_FIRST;
    if (lane === RATE_LANES - 1) value |= PAD_LAST;
    code.push(...op.i64Const(value), ...op.localSet(l.a(lane)));
  }
  return code;
};

const storeDigest = (l: Locals, outParam: number): number[] =>
  [0, 1, 2, 3].flatMap((lane) => [...op.localGet(outParam), ...op.localGet(l.a(lane)), ...op.i64Store(lane * 8)]);

/** leafHash(in, out): out[0..32) = keccak256(keccak256(in[0..96))), OpenZeppelin's standard leaf. */
const leafHashFunction = () => {
  const l = stateLocals(2);
  const body = [
    ...absorbBlock(l, 12, (lane) => [...op.localGet(0), ...op.i64Load(lane * 8)]),
    ...permutation(l),
    // The first digest is lanes 0–3 already: leave them and re-pad around them.
    ...absorbBlock(l, 4, () => undefined),
    ...permutation(l),
    ...storeDigest(l, 1),
  ];
  return { name: 'leafHash', params: [I32, I32], i64Locals: l.count, body };
};

/** pairHash(first, second, out): out = keccak256(first[0..32) ‖ second[0..32)); the caller orders the pair. */
const pairHashFunction = () => {
  const l = stateLocals(3);
  const body = [
    ...absorbBlock(l, 8, (lane) => [...op.localGet(lane < 4 ? 0 : 1), ...op.i64Load((lane % 4) * 8)]),
    ...permutation(l),
    ...storeDigest(l, 2),
  ];
  return { name: 'pairHash', params: [I32, I32, I32], i64Locals: l.count, body };
};

/** The part of the WebAssembly JS API used here (the TS lib for Node does not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
export interface KeccakKernel {
  readonly memory: WasmMemory;
  leafHash(inOffset: number, outOffset: number): void;
  pairHash(firstOffset: number, secondOffset: number, outOffset: number): void;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

export const WASM_PAGE_BYTES = 65_536;

let compiled: object | undefined;

/**
 * A fresh kernel with its own memory of at least `bytes`. One instance per tree, so a tree owns its
 * node buffer and nothing is shared between builds. The module is compiled once, on first use.
 */
export const createKeccakKernel = (bytes: number): KeccakKernel => {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  compiled ??= new wasm.Module(assembleModule([leafHashFunction(), pairHashFunction()], 1));
  const kernel = new wasm.Instance(compiled, {}).exports as KeccakKernel;
  const missing = Math.ceil(bytes / WASM_PAGE_BYTES) - kernel.memory.buffer.byteLength / WASM_PAGE_BYTES;
  if (missing > 0) kernel.memory.grow(missing);
  return kernel;
};
