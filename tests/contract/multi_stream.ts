/**
 * tests/contract/multi_stream.ts — a protocol-version-3 stream, made the
 * same way on the host (tests/layers/protocol_v3*.test.ts) and inside the
 * DeviceScript VM (tests/vm/proto_v3.ts), so the two can be compared byte
 * for byte: a MultiAllocator over two or three fixed regions, wrapped in a
 * LoggingAllocator, driven by a seeded workload.
 *
 *     regions (multiHeap)     0x20020000 +0x800  tlsf  "fast dma"
 *                             0x20030000 +0x800  buddy ""          (3 regions only)
 *                             0x20040000 +0x400  tlsf  "slow"
 *
 * The workload (MultiWorkload) keeps SLOTS block slots; each step picks a slot and an
 * operation from an xorshift32 generator (integer bit operations only:
 * they agree between the VM and Node, where `%` and large products may
 * not, devicescript.md §8): an empty slot gets alloc or allocZeroed, a full
 * one realloc or dealloc. Sizes reach 1 KiB, so requests fail (~X) once the
 * small regions fill. Every 40 steps a phase marker, every 25 a ~S (the
 * logger's statsEvery). No closures in loops (DeviceScript refuses them).
 */
import { BuddyAllocator } from "../../src/allocators/buddy"
import { MultiAllocator, MultiPolicy } from "../../src/allocators/multi"
import { TlsfAllocator } from "../../src/allocators/tlsf"
import { HeapAllocator } from "../../src/api/global_alloc"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { LoggingAllocator } from "../../src/layers/logging"

/** Block slots the workload keeps. */
export const SLOTS = 16

/**
 * The heap of a multi-region stream: two regions (fast, slow) or three
 * (a buddy heap between them). `tagged` false gives every region no tags.
 */
export function multiHeap(regions: number, tagged: boolean): MultiAllocator {
    const heaps: HeapAllocator[] = [new TlsfAllocator(new StaticRegion(0x20020000, 0x800))]
    const tags: string[] = [tagged ? "fast dma" : ""]
    if (regions > 2) {
        heaps.push(new BuddyAllocator(new StaticRegion(0x20030000, 0x800)))
        tags.push("")
    }
    heaps.push(new TlsfAllocator(new StaticRegion(0x20040000, 0x400)))
    tags.push(tagged ? "slow" : "")
    return new MultiAllocator(heaps, tags, MultiPolicy.First)
}

/** One xorshift32 step. */
function next(x: number): number {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return x >>> 0
}

/**
 * The seeded workload over `heap` (a LoggingAllocator or any
 * HeapAllocator), run a few steps at a time: the VM program sleeps between
 * runs (its watchdog allows 131,072 opcodes per activation, devicescript.md
 * §2.3, and a multi heap's stats() per call costs hundreds). Slot i holds
 * ptrs[i] (0 = empty) of sizes[i], aligns[i].
 */
export class MultiWorkload {
    readonly ptrs: number[] = []
    readonly sizes: number[] = []
    readonly aligns: number[] = []
    /** Steps done so far. */
    done = 0
    private x: number

    /** `phase` names workload phases (every 40 steps); `after` runs after every allocator call (host tests check the decoder there). */
    constructor(
        readonly heap: HeapAllocator,
        seed: number,
        readonly phase: (name: string) => void,
        readonly after: () => void,
    ) {
        this.x = seed >>> 0 === 0 ? 1 : seed >>> 0
        for (let i = 0; i < SLOTS; i++) {
            this.ptrs.push(0)
            this.sizes.push(0)
            this.aligns.push(1)
        }
    }

    /** Runs `steps` more steps. */
    run(steps: number): void {
        for (let k = 0; k < steps; k++) this.step()
    }

    private step(): void {
        const heap = this.heap
        const x = next(this.x)
        this.x = x
        this.done++
        const slot = (x >>> 4) & 15
        if (slot < SLOTS) {
            const size = 1 + ((x >>> 8) & ((x & 3) === 0 ? 1023 : 63))
            const align = 1 << ((x >>> 20) & 3)
            if (this.ptrs[slot] === 0) {
                const layout = Layout.fromSizeAlign(size, align)
                const p = (x & 1) === 0 ? heap.alloc(layout) : heap.allocZeroed(layout)
                if (p !== 0) {
                    this.ptrs[slot] = p
                    this.sizes[slot] = size
                    this.aligns[slot] = align
                }
            } else if ((x & 2) === 0) {
                const p = heap.realloc(this.ptrs[slot], Layout.fromSizeAlign(this.sizes[slot], this.aligns[slot]), size)
                if (p !== 0) {
                    this.ptrs[slot] = p
                    this.sizes[slot] = size
                }
            } else {
                heap.dealloc(this.ptrs[slot], Layout.fromSizeAlign(this.sizes[slot], this.aligns[slot]))
                this.ptrs[slot] = 0
            }
            this.after()
        }
        if (this.done % 40 === 0) this.phase("step-" + this.done)
    }
}

/** Steps of each stream of MULTI_STREAMS. */
export const STREAM_STEPS = 300
/** The streams the VM and the host both write: [regions, tagged (1) or not (0), seed]. */
export const MULTI_STREAMS: number[][] = [
    [2, 1, 7],
    [3, 0, 99],
    [3, 1, 12345],
]

/**
 * The workload of stream MULTI_STREAMS[i], its lines going to `emit`
 * (undefined: console.log, as on a device): header, region table, then per
 * run() the workload's events, ~S every 25 calls, a phase every 40 steps.
 * Run it STREAM_STEPS steps.
 */
export function multiStream(i: number, emit?: (line: string) => void): MultiWorkload {
    const spec = MULTI_STREAMS[i]
    const heap = new LoggingAllocator(multiHeap(spec[0], spec[1] === 1), "pico", { statsEvery: 25, emit })
    return new MultiWorkload(heap, spec[2], name => heap.phase(name), noop)
}

function noop(): void {}
