/**
 * tests/vm/pair_bestfit.ts — the allocator of the "_bestfit" self-test
 * programs (see pair_buddy_bump.ts): bestfit alone, so that each program with
 * many cases stays under DeviceScript's 64 KB of function bytecode.
 */
import { BestfitAllocator } from "../../src/allocators/bestfit"
import { HeapAllocator } from "../../src/api/global_alloc"
import { StaticRegion } from "../../src/core/region"

export const PAIR_KINDS = ["bestfit"]
export const PAIR_MAKERS: ((r: StaticRegion) => HeapAllocator)[] = [(r: StaticRegion) => new BestfitAllocator(r)]
