/**
 * tests/fuzz/ops.ts — the fuzzer's random operations, portable (devs + tsc):
 * the host's shadow-model fuzzer (tests/fuzz/shadow.ts) and the in-VM fuzz
 * program (tests/fuzz/vm_fuzz.ts) draw the same sequence from the same seed,
 * so the VM's event stream can be compared with the host's byte for byte.
 *
 * Distribution (issue 9): sizes 0..2048, mostly small (70 % ≤ 64, 25 % ≤ 512,
 * 5 % ≤ 2048); alignments 1..64, mostly ≤ 8; operations alloc 40 %,
 * allocZeroed 10 %, dealloc 30 %, realloc 20 % while blocks are live (alloc
 * when none is, dealloc when the table of MAX_LIVE is full).
 *
 * driveLogged() keeps its live table in a ds.Buffer (12 bytes per block:
 * ptr, size, align as u32): the VM's 64 KB heap also holds the region, and
 * a number[] costs 8 bytes per element plus growth.
 */
import * as ds from "@devicescript/core"
import { HeapAllocator } from "../../src/api/global_alloc"
import { Layout } from "../../src/core/layout"
import { Rng } from "../contract/check"

export const OP_ALLOC = 0
export const OP_ZEROED = 1
export const OP_DEALLOC = 2
export const OP_REALLOC = 3

/** Most blocks the drivers keep live at once. */
export const MAX_LIVE = 256

/** The default seed; BAREHEAP_FUZZ_SEED (host) varies it. */
export const DEFAULT_SEED = 0x5eed2026

const ALIGNS = [1, 1, 2, 4, 4, 8, 8, 8, 16, 32, 64]

/** A size 0..2048, mostly small. */
export function drawSize(r: Rng): number {
    const u = r.next()
    if (u < 0.7) return r.below(65)
    if (u < 0.95) return r.below(513)
    return r.below(2049)
}

/** An alignment 1..64, mostly ≤ 8. */
export function drawAlign(r: Rng): number {
    return ALIGNS[r.below(ALIGNS.length)]
}

/** The next operation for `live` blocks. */
export function drawOp(r: Rng, live: number): number {
    if (live === 0) return r.next() < 0.8 ? OP_ALLOC : OP_ZEROED
    if (live >= MAX_LIVE) return OP_DEALLOC
    const u = r.next()
    return u < 0.4 ? OP_ALLOC : u < 0.5 ? OP_ZEROED : u < 0.8 ? OP_DEALLOC : OP_REALLOC
}

/**
 * `ops` random operations on heap (a LoggingAllocator in the stream test),
 * then every block freed. Returns the number of failed requests (nulls).
 * Yields every 16 operations so a VM fiber stays within its opcode budget.
 */
export async function driveLogged(heap: HeapAllocator, seed: number, ops: number): Promise<number> {
    const r = new Rng(seed)
    const t = ds.Buffer.alloc(MAX_LIVE * 12)
    let live = 0
    let failed = 0
    for (let n = 0; n < ops; n++) {
        if ((n & 15) === 15) await ds.sleep(0)
        const op = drawOp(r, live)
        if (op === OP_ALLOC || op === OP_ZEROED) {
            const l = new Layout(drawSize(r), drawAlign(r))
            const p = op === OP_ALLOC ? heap.alloc(l) : heap.allocZeroed(l)
            if (p === 0) failed++
            else {
                t.setAt(live * 12, "u32", p)
                t.setAt(live * 12 + 4, "u32", l.size)
                t.setAt(live * 12 + 8, "u32", l.align)
                live++
            }
            continue
        }
        const i = r.below(live)
        const l = new Layout(t.getAt(i * 12 + 4, "u32"), t.getAt(i * 12 + 8, "u32"))
        const p = t.getAt(i * 12, "u32")
        if (op === OP_DEALLOC) {
            heap.dealloc(p, l)
            live--
            if (i !== live) t.blitAt(i * 12, t, live * 12, 12)
        } else {
            const size = drawSize(r)
            const q = heap.realloc(p, l, size)
            if (q === 0) failed++
            else {
                t.setAt(i * 12, "u32", q)
                t.setAt(i * 12 + 4, "u32", size)
            }
        }
    }
    while (live > 0) {
        live--
        heap.dealloc(t.getAt(live * 12, "u32"), new Layout(t.getAt(live * 12 + 4, "u32"), t.getAt(live * 12 + 8, "u32")))
        if ((live & 15) === 0) await ds.sleep(0)
    }
    return failed
}
