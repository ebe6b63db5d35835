/**
 * bench/vm/debug_cost_views.ts — the VM layer-cost program (bench/vm/debug_cost.ts)
 * for the two allocators whose region is a view: system (a Buffer per block)
 * and multi (two TLSF regions), made as the registry makes them.
 */
import { MultiAllocator } from "../../src/allocators/multi"
import { SystemAllocator } from "../../src/allocators/system"
import { HeapAllocator } from "../../src/api/global_alloc"
import { StaticRegion } from "../../src/core/region"
import { measureKinds } from "./debug_cost"

await measureKinds(["system", "multi"], [(r: StaticRegion): HeapAllocator => new SystemAllocator(r), (r: StaticRegion): HeapAllocator => new MultiAllocator(r)])
