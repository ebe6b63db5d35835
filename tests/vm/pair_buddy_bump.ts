/**
 * tests/vm/pair_buddy_bump.ts — the allocators of the "_buddy_bump" self-test
 * programs: importing two allocator classes instead of src/allocators/registry.ts
 * (all four) keeps a program with many cases under DeviceScript's 64 KB of
 * function bytecode. pair_tlsf_pool.ts has the other two; a new allocator
 * kind goes into one of them (or a new pair).
 */
import { BuddyAllocator } from "../../src/allocators/buddy"
import { BumpAllocator } from "../../src/allocators/bump"
import { HeapAllocator } from "../../src/api/global_alloc"
import { StaticRegion } from "../../src/core/region"

export const PAIR_KINDS = ["buddy", "bump"]
export const PAIR_MAKERS: ((r: StaticRegion) => HeapAllocator)[] = [(r: StaticRegion) => new BuddyAllocator(r), (r: StaticRegion) => new BumpAllocator(r)]
