/**
 * grader/forensics.ts — host only: explains a failed trace replay. The
 * replay (bench/replay.ts) samples payloads and checks a block only when it is
 * freed or reallocated, so it learns late that a byte changed. Here the trace
 * is replayed again on a fresh allocator with every live block checked in full
 * after every op, which finds the op that did the damage: the first op after
 * which some live block differs from its pattern. The report names that op
 * and its trace line, whose bytes were clobbered (the victim block and the
 * first differing byte), by which block (a live block covering the byte) or
 * by the allocator's own metadata (no block covers it), and draws the heap
 * around the byte.
 *
 * Cost: O(ops × live bytes) — fine for the MCU traces (≤ a few thousand ops,
 * ≤ 32 KiB live) and run only after a failure.
 */
import { HeapAllocator } from "../src/api/global_alloc"
import { ptrText } from "../src/core/hex"
import { Layout } from "../src/core/layout"
import { OP_ALLOC, OP_FREE } from "../bench/replay"
import { Trace } from "../bench/trace/rep"
import { patternByte } from "../tests/contract/check"
import { renderHeapMap } from "../sim/heapmap"

interface Live {
    slot: number
    ptr: number
    size: number
    seed: number
    op: number
}

export interface Forensics {
    /** The op after which a live block first differed, −1 if the deep replay found none. */
    op: number
    /** The trace line of that op, e.g. "a 17 48". */
    line: string
    /** One paragraph for people. */
    text: string
    /** The heap around the byte ("" when none). */
    map: string
}

const KIND = "arf"

function lineOf(t: Trace, i: number): string {
    return t.kinds[i] === OP_FREE ? `${KIND[t.kinds[i]]} ${t.idOf[i]}` : `${KIND[t.kinds[i]]} ${t.idOf[i]} ${t.sizes[i]}`
}

function firstBad(heap: HeapAllocator, b: Live): number {
    const off = b.ptr - heap.region.base
    for (let k = 0; k < b.size; k++) if (heap.region.buf.getAt(off + k, "u8") !== patternByte(b.seed, k)) return k
    return -1
}

function fill(heap: HeapAllocator, b: Live): void {
    const off = b.ptr - heap.region.base
    for (let k = 0; k < b.size; k++) heap.region.buf.setAt(off + k, "u8", patternByte(b.seed, k))
}

/** The text map of 512 bytes around `addr`, with the live blocks; the byte's row is marked. */
function mapAround(heap: HeapAllocator, live: Live[], addr: number): string {
    const r = heap.region
    const lo = Math.max(r.base, (addr & ~255) - 256)
    const hi = Math.min(r.base + r.size, lo + 768)
    const blocks = live.filter(b => b.ptr < hi && b.ptr + Math.max(1, b.size) > lo).map(b => ({ ptr: Math.max(b.ptr, lo), size: Math.min(b.ptr + Math.max(1, b.size), hi) - Math.max(b.ptr, lo) }))
    const names = live
        .filter(b => b.ptr < hi && b.ptr + Math.max(1, b.size) > lo)
        .sort((a, b) => a.ptr - b.ptr)
        .map(b => `    block of id ${b.slot}: ${ptrText(b.ptr)}..${ptrText(b.ptr + b.size)} (${b.size} B, from op ${b.op})${addr >= b.ptr && addr < b.ptr + Math.max(1, b.size) ? "   ← holds the clobbered byte " + ptrText(addr) : ""}`)
    return [`  heap around ${ptrText(addr)} (live blocks only; ${ptrText(lo)}..${ptrText(hi)}):`, renderHeapMap(lo, hi - lo, blocks, 48, 16), ...names].join("\n")
}

/** Replays `trace` with full checks after every op on `make()`; explains the first damage. */
export function explainReplayFailure(make: () => HeapAllocator, trace: Trace, align = 8): Forensics {
    const heap = make()
    const live: Live[] = []
    const bySlot = new Map<number, Live>()
    for (let i = 0; i < trace.count; i++) {
        const kind = trace.kinds[i]
        const id = trace.idOf[i]
        const size = trace.sizes[i]
        let made: Live | null = null
        let freedAt = -1
        try {
            if (kind === OP_ALLOC) {
                const p = heap.alloc(Layout.fromSizeAlign(size, align))
                if (p !== 0) made = { slot: id, ptr: p, size, seed: (i % 250) + 1, op: i }
            } else {
                const old = bySlot.get(id)
                if (!old) continue
                if (kind === OP_FREE) {
                    heap.dealloc(old.ptr, Layout.fromSizeAlign(old.size, align))
                    freedAt = old.ptr
                } else {
                    const q = heap.realloc(old.ptr, Layout.fromSizeAlign(old.size, align), size)
                    if (q !== 0) made = { slot: id, ptr: q, size, seed: (i % 250) + 1, op: i }
                }
                if (kind === OP_FREE || made) {
                    bySlot.delete(id)
                    live.splice(live.indexOf(old), 1)
                }
            }
        } catch (e) {
            return { op: i, line: lineOf(trace, i), text: `op ${i} (trace line "${lineOf(trace, i)}") threw ${e instanceof Error ? e.message : String(e)}`, map: "" }
        }
        const r = heap.region
        if (made && (made.ptr < r.base || made.ptr + Math.max(1, made.size) > r.base + r.size)) {
            return { op: i, line: lineOf(trace, i), text: `op ${i} (trace line "${lineOf(trace, i)}") got ${ptrText(made.ptr)} (${made.size} B), outside the region ${ptrText(r.base)}..${ptrText(r.base + r.size)}`, map: "" }
        }
        if (made) {
            const m = made
            const hit = live.find(b => b.ptr < m.ptr + Math.max(1, m.size) && m.ptr < b.ptr + Math.max(1, b.size))
            if (hit) {
                const addr = Math.max(hit.ptr, m.ptr)
                const text = `op ${i} (trace line "${lineOf(trace, i)}") handed out ${ptrText(m.ptr)} (${m.size} B), whose bytes from ${ptrText(addr)} belong to the live block of id ${hit.slot} at ${ptrText(hit.ptr)} (${hit.size} B, allocated at op ${hit.op}): writing the new block clobbers it`
                return { op: i, line: lineOf(trace, i), text, map: mapAround(heap, [...live, m], addr) }
            }
        }
        // Check the survivors before the new block is written: its pattern would hide the damage it did.
        for (const b of live) {
            const k = firstBad(heap, b)
            if (k < 0) continue
            const addr = b.ptr + k
            const by = made && addr >= made.ptr && addr < made.ptr + Math.max(1, made.size) ? `by the new block ${ptrText(made.ptr)} (${made.size} B) that op handed out over it` : kind === OP_FREE ? `by the allocator while freeing ${ptrText(freedAt)}: no live block covers that byte, so it is the allocator's own metadata (a header, footer or free-list link)` : `by the allocator's own metadata during that op: no live block covers that byte`
            const got = heap.region.buf.getAt(addr - r.base, "u8")
            const text = `op ${i} (trace line "${lineOf(trace, i)}") clobbered byte ${k} of the block of id ${b.slot} at ${ptrText(b.ptr)} (${b.size} B, allocated at op ${b.op}): ${ptrText(addr)} is 0x${got.toString(16).padStart(2, "0")}, expected 0x${patternByte(b.seed, k).toString(16).padStart(2, "0")}; written ${by}`
            return { op: i, line: lineOf(trace, i), text, map: mapAround(heap, made ? [...live, made] : live, addr) }
        }
        if (made) {
            fill(heap, made)
            live.push(made)
            bySlot.set(id, made)
        }
    }
    return { op: -1, line: "", text: "the deep replay (every byte checked after every op) found no damage: the failure depends on the sampled checks' timing", map: "" }
}
