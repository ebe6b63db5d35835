/**
 * bench/debug_workload.ts — the workload that measures what each wrapper layer
 * costs — the debug levels (src/layers/debug.ts), tracking
 * (src/layers/tracking.ts) and the event stream (src/layers/logging.ts, every
 * kind on, `emit` a no-op so only building the line is timed) — written once
 * and run both in Node (bench/debug_cost.ts) and inside the DeviceScript VM
 * (bench/vm/debug_cost.ts).
 *
 * Method: alloc+dealloc pairs over a small mix of sizes (8, 24, 48, 100 and
 * 200 bytes, align 4) on top of 16 blocks allocated first and kept live, so
 * the heap is not empty. Each pair frees what it allocated (LIFO): the one
 * pattern every allocator serves indefinitely, bump included. A pair is one
 * alloc and one dealloc. The same sequence runs for every allocator and
 * level, so the ratios compare like with like. Every payload is written once
 * (one byte) so "full" cannot skip work a real program would trigger.
 * In the VM the loop yields every `yieldEvery` pairs (the VM runs at most
 * ~131,072 opcodes per slice); timeYields() measures the same number of bare
 * yields so the caller can subtract them. Node runs without yields.
 */
import * as ds from "@devicescript/core"
import { DebugAllocator, DebugLevel } from "../src/layers/debug"
import { LoggingAllocator } from "../src/layers/logging"
import { TrackingAllocator } from "../src/layers/tracking"
import { HeapAllocator } from "../src/api/global_alloc"
import { Layout } from "../src/core/layout"

const SIZES = [8, 24, 48, 100, 200]
const LIVE = 16

/**
 * The layers measured, by index: 0..2 are DebugLevel Off (the bare
 * allocator), Light and Full; then TrackingAllocator; then LoggingAllocator.
 */
export const LAYER_NAMES = ["off", "light", "full", "tracking", "logging"]

function noEmit(_line: string): void {}

/**
 * The heap under test: a fresh allocator `inner` behind the layer
 * LAYER_NAMES[layer] (none for 0). The caller makes `inner`: Node through
 * the registry (every kind), the VM program with the region allocators it
 * links itself (the registry's system and multi allocators would push it
 * past DeviceScript's 64 KB of function bytecode, verification error 1051).
 */
export function debugHeap(inner: HeapAllocator, layer: number): HeapAllocator {
    if (layer === 3) return new TrackingAllocator(inner)
    if (layer === 4) return new LoggingAllocator(inner, "pico", { emit: noEmit })
    return layer === DebugLevel.Off ? inner : new DebugAllocator(inner, layer as DebugLevel)
}

/**
 * Runs `pairs` alloc+dealloc pairs on `heap` and returns the elapsed time
 * measured with `now` (ms). Throws if an allocation fails (the ring needs
 * at most 16 × 200 bytes plus the debug overhead).
 */
export async function timePairs(heap: HeapAllocator, pairs: number, now: () => number, yieldEvery: number): Promise<number> {
    const layouts: Layout[] = SIZES.map(s => Layout.fromSizeAlign(s, 4))
    const ring: number[] = []
    const ringLayouts: Layout[] = []
    for (let i = 0; i < LIVE; i++) {
        const l = layouts[i % layouts.length]
        const p = heap.alloc(l)
        if (p === 0) throw new Error("debug workload: warm-up alloc failed")
        ring.push(p)
        ringLayouts.push(l)
    }
    const t0 = now()
    for (let i = 0; i < pairs; i++) {
        const l = layouts[(i * 7 + 3) % layouts.length]
        const p = heap.alloc(l)
        if (p === 0) throw new Error("debug workload: alloc of " + l.size + " failed at pair " + i)
        // one byte, straight into a one-Buffer region (as before views existed: runs stay comparable), routed in a view
        if (heap.region.buf.length === heap.region.size) heap.region.buf.setAt(p - heap.region.base, "u8", i & 0xff)
        else heap.region.writeU8(p, i & 0xff)
        heap.dealloc(p, l)
        if (yieldEvery > 0 && i % yieldEvery === yieldEvery - 1) await ds.sleep(0)
    }
    const ms = now() - t0
    for (let i = 0; i < LIVE; i++) heap.dealloc(ring[i], ringLayouts[i])
    return ms
}

/** The time (ms) of the yields timePairs makes for `pairs` pairs, without the pairs. */
export async function timeYields(pairs: number, now: () => number, yieldEvery: number): Promise<number> {
    const t0 = now()
    for (let i = 0; i < pairs; i++) if (i % yieldEvery === yieldEvery - 1) await ds.sleep(0)
    return now() - t0
}

/**
 * How many 16-byte blocks (align 4) fit before the first failure: the
 * capacity a debug level costs, independent of machine speed.
 */
export async function blocksThatFit(heap: HeapAllocator): Promise<number> {
    const l = Layout.fromSizeAlign(16, 4)
    let n = 0
    while (heap.alloc(l) !== 0) {
        n++
        if ((n & 31) === 0) await ds.sleep(0)
    }
    return n
}
