/**
 * tests/vm/pair_tlsf_pool.ts — the allocators of the "_tlsf_pool" self-test
 * programs (see pair_buddy_bump.ts).
 */
import { HeapAllocator } from "../../src/global_alloc"
import { PoolAllocator } from "../../src/pool"
import { StaticRegion } from "../../src/region"
import { TlsfAllocator } from "../../src/tlsf"

export const PAIR_KINDS = ["tlsf", "pool"]
export const PAIR_MAKERS: ((r: StaticRegion) => HeapAllocator)[] = [(r: StaticRegion) => new TlsfAllocator(r), (r: StaticRegion) => new PoolAllocator(r)]
