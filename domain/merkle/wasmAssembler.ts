/**
 * Just enough of the WebAssembly binary format to emit a module of i32/i64 functions over one
 * exported memory. It exists so the Keccak kernel (keccakWasm.ts) is generated from readable
 * TypeScript in this repository instead of being an opaque blob checked in from elsewhere.
 */

export type Bytes = readonly number[];

/** Unsigned LEB128, for sizes, counts and indices. */
export const uleb = (value: number): number[] => {
  const out: number[] = [];
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return out;
};

/** Signed LEB128 of a 64-bit two's complement value (i64.const immediates). */
export const sleb64 = (value: bigint): number[] => {
  const out: number[] = [];
  let rest = BigInt.asIntN(64, value);
  for (;;) {
    const byte = Number(rest & 0x7fn);
    rest >>= 7n;
    const done = (rest === 0n && (byte & 0x40) === 0) || (rest === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
};

const utf8 = (text: string): number[] => [...new TextEncoder().encode(text)];
const vec = (items: readonly Bytes[]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: Bytes): number[] => [id, ...uleb(body.length), ...body];

export const I32 = 0x7f;
export const I64 = 0x7e;

/** Opcodes used by the kernel; the immediates are added by the helpers below. */
export const op = {
  end: 0x0b,
  /** A block whose label (for br_if) is its end; no result. */
  block: [0x02, 0x40],
  /** A loop whose label (for br_if) is its start; no result. */
  loop: [0x03, 0x40],
  brIf: (label: number): number[] => [0x0d, ...uleb(label)],
  call: (functionIndex: number): number[] => [0x10, ...uleb(functionIndex)],
  localGet: (index: number): number[] => [0x20, ...uleb(index)],
  localSet: (index: number): number[] => [0x21, ...uleb(index)],
  localTee: (index: number): number[] => [0x22, ...uleb(index)],
  i32Const: (value: number): number[] => [0x41, ...sleb64(BigInt(value))],
  i64Const: (value: bigint): number[] => [0x42, ...sleb64(value)],
  /** Alignment hint 2^3; unaligned addresses stay correct in wasm, only the hint is wrong. */
  i64Load: (offsetBytes: number): number[] => [0x29, 3, ...uleb(offsetBytes)],
  i64Store: (offsetBytes: number): number[] => [0x37, 3, ...uleb(offsetBytes)],
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Rotl: 0x89,
} as const;

export interface WasmFunction {
  /** Exported under this name; internal when absent. */
  readonly exportName?: string;
  readonly params: readonly number[];
  /** Local groups after the params, e.g. [[1, I32], [56, I64]]. */
  readonly locals: readonly (readonly [count: number, type: number])[];
  readonly body: Bytes;
}

/** Bytes placed in memory at instantiation. */
export interface DataSegment {
  readonly offset: number;
  readonly bytes: Bytes;
}

/**
 * A module whose one memory is imported as `env.memory` (at least `minimumPages` of 64 KiB), with
 * the named functions exported. Function i has index i for `call`; every function returns nothing.
 * The memory is imported rather than defined so the caller creates it at its final size: growing
 * a memory detaches its old ArrayBuffer, and the first detach anywhere makes V8 add a detached
 * check to every typed-array access in the process from then on (~25% on byte loops here).
 */
export const assembleModule = (functions: readonly WasmFunction[], data: readonly DataSegment[], minimumPages: number): Uint8Array => {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec([])]);
  const typeSection = section(1, vec(types));
  const name = (text: string): number[] => [...uleb(utf8(text).length), ...utf8(text)];
  const importSection = section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(minimumPages)]]));
  const functionSection = section(3, vec(functions.map((_, i) => uleb(i))));
  const exportEntry = (name: string, kind: number, index: number): number[] => [...uleb(utf8(name).length), ...utf8(name), kind, ...uleb(index)];
  const exports = functions.flatMap((f, i) => (f.exportName === undefined ? [] : [exportEntry(f.exportName, 0x00, i)]));
  const exportSection = section(7, vec(exports));
  const bodies = functions.map((f) => {
    const code = [...vec(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.body, op.end];
    return [...uleb(code.length), ...code];
  });
  const codeSection = section(10, vec(bodies));
  const segments = data.map((d) => [0x00, ...op.i32Const(d.offset), op.end, ...vec(d.bytes.map((b) => [b]))]);
  const dataSection = section(11, vec(segments));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...typeSection,
    ...importSection,
    ...functionSection,
    ...exportSection,
    ...codeSection,
    ...dataSection,
  ]);
};
