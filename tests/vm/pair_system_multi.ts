/**
 * tests/vm/pair_system_multi.ts — the two allocators that are not one region
 * (see pair_buddy_bump.ts for the pair files): "system" (system.ts, blocks on
 * the VM's own heap; budget = the test region's size, the region itself is
 * not used) and "multi" (multi.ts, two TLSF parts: the test region and a
 * 4 KiB one past it, as registry.ts builds "multi").
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
