/**
 * tests/vm/pair_tlsf_pool.ts — the allocators of the "_tlsf_pool" self-test
 * programs (see pair_buddy_bump.ts).
 */
import { HeapAllocator } from "../../src/api/global_alloc"
import { PoolAllocator } from "../../src/allocators/pool"
import { StaticRegion } from "../../src/core/region"
import { TlsfAllocator } from "../../src/allocators/tlsf"

export const PAIR_KINDS = ["tlsf", "pool"]
export const PAIR_MAKERS: ((r: StaticRegion) => HeapAllocator)[] = [(r: StaticRegion) => new TlsfAllocator(r), (r: StaticRegion) => new PoolAllocator(r)]
