/**
 * tests/vm/pair_system_multi.ts — the two allocators that are not one region
 * (see pair_buddy_bump.ts for the pair files): "system" (system.ts, blocks on
 * the VM's own heap; budget = the test region's size, the region itself is
 * not used) and "multi" (multi.ts, two TLSF parts: the test region and a
 * 4 KiB one past it, as registry.ts builds "multi").
 *
 * VM suites they do not run (the table of every exclusion: system.ts):
 * debug (the layer refuses both: not one region's bytes); replay (the
 * Replayer checks payloads in one region's bytes: bench/replay.ts); demo
 * (tests/vm_streams.test.ts runs it in the VM: system on every board,
 * multi on esp32s2; its two regions overflow the VM's heap next to a 32 KiB one).
 */
import { HeapAllocator } from "../../src/api/global_alloc"
import { MultiAllocator, MultiPolicy } from "../../src/allocators/multi"
import { StaticRegion } from "../../src/core/region"
import { SystemAllocator } from "../../src/allocators/system"
import { TlsfAllocator } from "../../src/allocators/tlsf"

function twoRegions(r: StaticRegion): HeapAllocator {
    const second = new StaticRegion(0x20040000, 4096)
    return new MultiAllocator([new TlsfAllocator(r), new TlsfAllocator(second)], ["fast", "dma"], MultiPolicy.First)
}

export const PAIR_KINDS = ["system", "multi"]
export const PAIR_MAKERS: ((r: StaticRegion) => HeapAllocator)[] = [(r: StaticRegion) => new SystemAllocator(r.size), twoRegions]
