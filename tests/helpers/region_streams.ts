/**
 * tests/helpers/region_streams.ts — real multi-region event streams (protocol
 * version 3) for the viewers' tests, written by the real encoder
 * (src/layers/logging.ts) over real allocators:
 *
 *   firmwareMultiStream()  the firmware's job: what `bareheap start --allocator multi
 *                          --board pico` prints (its protocol lines), through the CLI
 *                          so the test follows however the firmware builds its multi
 *                          heap (two or more regions with a hole between two of them)
 *   threeRegionStream()    a MultiAllocator over three regions of three kinds, every
 *                          one of them used:
 *
 *     0x20020000 tlsf  8 KiB "fast"   | hole 56 KiB | 0x20030000 buddy 4 KiB (no tags)
 *     0x20031000 bump 4 KiB "dma ext" (right after the buddy region: no hole)
 *
 *     BySize policy, small ≤ 64 B: small blocks go to the TLSF region first,
 *     large ones to the bump region first, then on to the buddy region when
 *     it is full; a phase frees every third block, so the maps have holes.
 */
import { spawnSync } from "node:child_process"
import { boardById } from "../../boards/index"
import { BuddyAllocator } from "../../src/allocators/buddy"
import { BumpAllocator } from "../../src/allocators/bump"
import { MultiAllocator, MultiPolicy } from "../../src/allocators/multi"
import { TlsfAllocator } from "../../src/allocators/tlsf"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { LoggingAllocator } from "../../src/layers/logging"
import { _simSetArch } from "../../sim/core"
import { BAREHEAP, ROOT } from "./firmware_stream"

/** The firmware's stream with `--allocator multi --board pico` (protocol lines only). */
export function firmwareMultiStream(): string[] {
    const run = spawnSync(process.execPath, [BAREHEAP, "start", "--allocator", "multi", "--board", "pico"], { encoding: "utf8", cwd: ROOT, timeout: 60_000 })
    if (run.status !== 0) throw new Error(`bareheap start --allocator multi failed: ${run.stderr}`)
    return run.stdout.split("\n").filter(l => l.startsWith("~"))
}

/** Addresses of the three regions of threeRegionStream. */
export const THREE = [
    { base: 0x20020000, size: 0x2000, kind: "tlsf", tags: ["fast"] },
    { base: 0x20030000, size: 0x1000, kind: "buddy", tags: [] as string[] },
    { base: 0x20031000, size: 0x1000, kind: "bump", tags: ["dma", "ext"] },
]

/** A three-region stream with blocks in every region (see the header). */
export function threeRegionStream(): string[] {
    _simSetArch(boardById("pico").archId)
    const lines: string[] = []
    const heaps = [new TlsfAllocator(new StaticRegion(THREE[0].base, THREE[0].size)), new BuddyAllocator(new StaticRegion(THREE[1].base, THREE[1].size)), new BumpAllocator(new StaticRegion(THREE[2].base, THREE[2].size))]
    const multi = new MultiAllocator(heaps, ["fast", "", "dma ext"], MultiPolicy.BySize, 64)
    const heap = new LoggingAllocator(multi, "pico", { emit: l => lines.push(l), statsEvery: 8 })
    const live: { p: number; l: Layout }[] = []
    heap.phase("fill")
    for (let i = 0; i < 40; i++) {
        const l = Layout.fromSizeAlign(i % 2 === 0 ? 24 + (i % 5) * 8 : 200 + (i % 7) * 40, 8)
        const p = heap.alloc(l)
        if (p !== 0) live.push({ p, l })
    }
    heap.phase("thin")
    for (let i = 0; i < live.length; i += 3) heap.dealloc(live[i].p, live[i].l)
    return lines
}
