/**
 * bench/vm/speed.ts — the VM speed measurement (entry programs: speed_full.ts,
 * speed_quick.ts): the time of one alloc+free pair for every
 * allocator kind and size class, against DeviceScript's own Buffer.alloc of
 * the same size, in the same run. Read by bench/vm_speed.ts, which loads the
 * VM in-process with GC-stress off (sim/vm_loader.ts).
 *
 * Method (there is no µs clock: ds.millis() only advances across a yield):
 * each (allocator, size) is one batch of slices of pairs with
 * `await ds.sleep(0)` after every slice; the batch's ms minus the ms of an
 * empty batch (the same loops and yields, no work) measured right before it
 * is the work. The "noop" batch is the harness alone (NoopHeap: the same two
 * interface calls, no work), so kind − noop is an allocator's net cost.
 * A pair is alloc(Layout(size, 8)) then dealloc of the same
 * block, on the Pico's 32 KiB region (StaticRegion.forBoard(PICO)) with LIVE
 * blocks of mixed sizes allocated first, so the heap is not empty. Every
 * kind of HEAP_KINDS is timed, each built by registry.ts's makeAllocator over
 * that region: "system" takes half its size as a budget and puts each block
 * in a Buffer of its own; "multi" is a TLSF over that region plus a 4 KiB
 * TLSF part at 0x20040000 (the Pico's SRAM4), First policy, so its column
 * is the multi layer's cost over tlsf's (makeAllocator's carving would need
 * new Buffers beside the shared region: out of the VM's heap). The
 * "buffer" pair is `b = ds.Buffer.alloc(size)` and dropping the reference
 * (the next pair overwrites it): Buffer.alloc is freed by the VM's garbage
 * collector, so its pair cost is the allocation (a zero-filled block) plus
 * its share of the collections it triggers — what a DeviceScript program pays
 * for a buffer it lets go. Nothing is written into either kind of block. The
 * "call" line times one call of a one-line function, the unit every
 * allocator call is made of. A batch is a class average: with a 1 ms clock no
 * single pair can be timed, so "worst case" means the slowest size class.
 *
 * Output, one line each (lines start with "bench", never "~", which the event
 * protocol owns):
 *   bench pair <round> <kind|noop|buffer|call> <size> <ms> <pairs>   work ms of `pairs` pairs
 *   bench round <round> done
 *   bench done
 * Rounds repeat the whole set; the reader takes the median of each batch.
 *
 * ```ts
 * await measureSpeed(5) // bench/vm/speed_full.ts; bench/vm_speed.ts reads the lines
 * ```
 */
import * as ds from "@devicescript/core"
import { HEAP_KINDS, makeAllocator } from "../../src/allocators/registry"
import { MultiAllocator, MultiPolicy } from "../../src/allocators/multi"
import { TlsfAllocator } from "../../src/allocators/tlsf"
import { HeapAllocator } from "../../src/api/global_alloc"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { PICO } from "../../boards/pico"

/** Size classes timed, in bytes. */
export const SPEED_SIZES = [8, 16, 32, 64, 128, 256, 512, 1024]
/**
 * Allocator batches: HEAP_SLICES × HEAP_PER_SLICE = 6,000 pairs (≥ ~50 ms for
 * the cheapest allocator). 25 pairs a slice: pool's 1,024-byte spans (before
 * its free runs were kept in size-segregated lists) and buddy's splits to
 * the smallest classes came near the 131,072-opcode slice budget at 100.
 */
const HEAP_PER_SLICE = 25
const HEAP_SLICES = 240
/** Buffer.alloc and call batches: 100,000 pairs (≥ ~30 ms: each costs about one function call). */
const CHEAP_PER_SLICE = 1000
const CHEAP_SLICES = 100
/** Blocks allocated before timing and kept live (sizes cycle through LIVE_SIZES). */
const LIVE = 12
const LIVE_SIZES = [24, 72, 200, 40]

/** ms of `slices` slices of empty `perSlice`-iteration loops, each followed by a yield. */
async function emptyBatch(slices: number, perSlice: number): Promise<number> {
    const t0 = ds.millis()
    for (let s = 0; s < slices; s++) {
        for (let i = 0; i < perSlice; i++) {}
        await ds.sleep(0)
    }
    return ds.millis() - t0
}

/** What heapBatch calls: an allocator's alloc and dealloc (HeapAllocator has both). */
interface PairTarget {
    kind: string
    alloc(layout: Layout): number
    dealloc(ptr: number, layout: Layout): void
}

/**
 * The harness alone: a "allocator" with the same call shape whose alloc
 * returns a constant and whose dealloc does nothing. Its batch, in the same
 * run, is subtracted from each allocator's to give the allocator's net cost.
 */
class NoopHeap implements PairTarget {
    kind = "noop"
    alloc(layout: Layout): number {
        return 8
    }
    dealloc(ptr: number, layout: Layout): void {}
}

/** ms of the allocator batch (alloc + dealloc of `size` bytes, align 8). */
async function heapBatch(heap: PairTarget, size: number): Promise<number> {
    const l = new Layout(size, 8)
    const t0 = ds.millis()
    for (let s = 0; s < HEAP_SLICES; s++) {
        for (let i = 0; i < HEAP_PER_SLICE; i++) {
            const p = heap.alloc(l)
            if (p === 0) throw new Error("speed: " + heap.kind + " failed to allocate " + size + " bytes")
            heap.dealloc(p, l)
        }
        await ds.sleep(0)
    }
    return ds.millis() - t0
}

/** ms of the Buffer.alloc batch: each buffer is dropped when the next one replaces it. */
async function bufferBatch(size: number): Promise<number> {
    let b: ds.Buffer = null
    const t0 = ds.millis()
    for (let s = 0; s < CHEAP_SLICES; s++) {
        for (let i = 0; i < CHEAP_PER_SLICE; i++) b = ds.Buffer.alloc(size)
        await ds.sleep(0)
    }
    const ms = ds.millis() - t0
    if (b.length !== size) throw new Error("speed: Buffer.alloc returned " + b.length + " bytes, not " + size)
    return ms
}

function one(x: number): number {
    return x + 1
}

/** ms of the reference batch: one call of a one-line function per iteration (what a bytecode call costs). */
async function callBatch(): Promise<number> {
    let x = 0
    const t0 = ds.millis()
    for (let s = 0; s < CHEAP_SLICES; s++) {
        for (let i = 0; i < CHEAP_PER_SLICE; i++) x = one(x)
        await ds.sleep(0)
    }
    const ms = ds.millis() - t0
    if (x !== CHEAP_SLICES * CHEAP_PER_SLICE) throw new Error("speed: call batch counted " + x)
    return ms
}

/** A fresh allocator of `kind` over the (zeroed) shared region, with LIVE blocks in it. */
function freshHeap(kind: string, region: StaticRegion): HeapAllocator {
    region.buf.fillAt(0, region.size, 0)
    const heap =
        kind === "multi"
            ? new MultiAllocator([new TlsfAllocator(region), new TlsfAllocator(new StaticRegion(0x20040000, 4096))], ["main", "fast"], MultiPolicy.First)
            : makeAllocator(kind, region)
    for (let i = 0; i < LIVE; i++) {
        if (heap.alloc(new Layout(LIVE_SIZES[i % LIVE_SIZES.length], 8)) === 0) throw new Error("speed: " + kind + " could not place its live blocks")
    }
    return heap
}

function report(round: number, what: string, size: number, ms: number, pairs: number): void {
    console.log("bench pair " + round + " " + what + " " + size + " " + ms + " " + pairs)
}

/**
 * Measures every batch `rounds` times, printing the lines described in the
 * file header. The entry programs are speed_full.ts (5 rounds) and
 * speed_quick.ts (1 round): a host cannot stop a VM program early, because
 * the VM runs every fiber that is ready (a sleep(0) is ready at once) inside
 * one host callback, so a program must end by itself.
 */
export async function measureSpeed(rounds: number): Promise<void> {
    // One region for the whole run, allocated first (the VM's allocation cost
    // depends on how much of its heap is free, so it stays the same throughout).
    const region = StaticRegion.forBoard(PICO)
    for (let round = 0; round < rounds; round++) {
        const noop = new NoopHeap()
        for (const size of SPEED_SIZES) {
            const empty = await emptyBatch(HEAP_SLICES, HEAP_PER_SLICE)
            report(round, "noop", size, (await heapBatch(noop, size)) - empty, HEAP_SLICES * HEAP_PER_SLICE)
        }
        for (const kind of HEAP_KINDS) {
            const heap = freshHeap(kind, region)
            for (const size of SPEED_SIZES) {
                const empty = await emptyBatch(HEAP_SLICES, HEAP_PER_SLICE)
                report(round, kind, size, (await heapBatch(heap, size)) - empty, HEAP_SLICES * HEAP_PER_SLICE)
            }
        }
        for (const size of SPEED_SIZES) {
            const empty = await emptyBatch(CHEAP_SLICES, CHEAP_PER_SLICE)
            report(round, "buffer", size, (await bufferBatch(size)) - empty, CHEAP_SLICES * CHEAP_PER_SLICE)
        }
        const empty = await emptyBatch(CHEAP_SLICES, CHEAP_PER_SLICE)
        report(round, "call", 0, (await callBatch()) - empty, CHEAP_SLICES * CHEAP_PER_SLICE)
        console.log("bench round " + round + " done")
    }
    console.log("bench done")
}
