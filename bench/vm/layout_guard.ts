/**
 * bench/vm/layout_guard.ts — VM program: what the forged-Layout guard
 * (layoutOk's expression, inline at every allocator entry; src/core/layout.ts)
 * costs in DeviceScript's VM. Read by bench/layout_guard.ts (GC-stress off).
 *
 * Method (as bench/vm/speed.ts: ds.millis() only advances across a yield):
 * batches of SLICES slices × PER_SLICE iterations with a yield after each
 * slice, minus an empty batch measured right before. Batches:
 *   read    read layout.size and layout.align into locals (what every entry does anyway)
 *   inline  read + the guard expression, as the allocators have it
 *   call    read + layoutOk(size, align), the same test as a function call
 *   int32   read + a variant with only int32 operations (no 0x80000000 double)
 *   pair    one alloc + dealloc of Layout(24, 8) per allocator kind (the guard
 *           runs twice: alloc and dealloc; bump's dealloc tests only on its failure path)
 * Output: "bench g <round> <what> <ms> <iterations>" lines, then "bench done".
 */
import * as ds from "@devicescript/core"
import { ALLOCATOR_KINDS, makeAllocator } from "../../src/allocators/registry"
import { Layout, layoutError, layoutOk } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"

const SLICES = 100
const PER_SLICE = 1000
const PAIR_SLICES = 240
const PAIR_PER_SLICE = 25
const ROUNDS = 5

async function empty(slices: number, per: number): Promise<number> {
    const t0 = ds.millis()
    for (let s = 0; s < slices; s++) {
        for (let i = 0; i < per; i++) {}
        await ds.sleep(0)
    }
    return ds.millis() - t0
}

async function batch(layout: Layout, mode: number): Promise<number> {
    let n = 0
    const t0 = ds.millis()
    for (let s = 0; s < SLICES; s++) {
        for (let i = 0; i < PER_SLICE; i++) {
            const size = layout.size
            const align = layout.align
            if (mode === 1) {
                if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, "bench")
            } else if (mode === 3) {
                if ((size | 0) !== size || size < 0 || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || ((size + align - 1) | 0) < 0) throw layoutError(layout, "bench")
            } else if (mode === 2) {
                if (!layoutOk(size, align)) throw layoutError(layout, "bench")
            }
            n += size
        }
        await ds.sleep(0)
    }
    const ms = ds.millis() - t0
    if (n !== SLICES * PER_SLICE * layout.size) throw new Error("bench: lost iterations")
    return ms
}

async function pairs(kind: string): Promise<number> {
    const heap = makeAllocator(kind, new StaticRegion(0x20020000, 8192))
    const l = new Layout(24, 8)
    heap.alloc(new Layout(40, 8))
    const t0 = ds.millis()
    for (let s = 0; s < PAIR_SLICES; s++) {
        for (let i = 0; i < PAIR_PER_SLICE; i++) heap.dealloc(heap.alloc(l), l)
        await ds.sleep(0)
    }
    return ds.millis() - t0
}

const NAMES = ["read", "inline", "call", "int32"]
const l = new Layout(24, 8)
for (let round = 0; round < ROUNDS; round++) {
    for (let mode = 0; mode < 4; mode++) {
        const e = await empty(SLICES, PER_SLICE)
        console.log("bench g " + round + " " + NAMES[mode] + " " + ((await batch(l, mode)) - e) + " " + SLICES * PER_SLICE)
    }
    for (let k = 0; k < ALLOCATOR_KINDS.length; k++) {
        const e = await empty(PAIR_SLICES, PAIR_PER_SLICE)
        console.log("bench g " + round + " pair-" + ALLOCATOR_KINDS[k] + " " + ((await pairs(ALLOCATOR_KINDS[k])) - e) + " " + PAIR_SLICES * PAIR_PER_SLICE)
    }
}
console.log("bench done")
