/**
 * bench/jit.ts — host only: raises V8's inlining budget for the benchmark
 * process. Import it first (bench/run.ts, bench/host_speed.ts).
 *
 * Why: the firmware is written for DeviceScript's VM, where a call costs a
 * frame, so each allocator operation is one long function with the list work
 * inline and 20–40 small `buf.getAt(off, "u32")` / `setAt` calls into the
 * host shim (sim/core.ts). V8 stops inlining into a function once the
 * inlined bytecode reaches --max-inlined-bytecode-size-cumulative (920 bytes
 * by default): after the first few shim calls, the rest stay real calls, and
 * those calls, not the allocator's algorithm, were most of the host time
 * (issue 14). With the budget raised, every shim access inlines into the
 * allocator to a bounds test and one DataView access. Nothing the firmware
 * does changes, and the VM build is untouched: this is a flag of the host's
 * JIT, set for the benchmark process only (tests run with V8's defaults).
 * Measured: bench/RESULTS.md's host speed table is taken with it; the
 * comparison without it is in the "Host speed" notes of that file.
 * A faster shim (getAt/setAt split so the u32/u16/u8 paths fit the default
 * budget) was measured too and made no difference beyond the noise (ratios
 * to thi.ng within ±0.05 on 8 traces, side by side), so the shim stays as is.
 *
 * Flags must be set before the hot functions are optimized, so at import
 * time; a flag V8 does not know is ignored by it (no error).
 */
import { setFlagsFromString } from "node:v8"

/** The V8 flags this module sets. */
export const JIT_FLAGS = ["--max-inlined-bytecode-size-cumulative=20000", "--max-inlined-bytecode-size=1000"]

if (process.env["BAREHEAP_JIT_DEFAULTS"] === undefined) for (const f of JIT_FLAGS) setFlagsFromString(f)
