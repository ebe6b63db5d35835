/**
 * In-VM self-tests of the debug modes (src/layers/debug.ts) over the two
 * allocators whose region is a view: system (each block a Buffer on the VM's
 * heap, an 8 KiB budget) and multi (two TLSF parts carved out of the given
 * 8 KiB region with a hole between, 3,840 + 4,096 bytes, as registry.ts
 * builds it): the portable cases of tests/contract/debug.ts. Its own
 * program: it links only these allocators. Multi's heap stays about 8 KiB:
 * the quarantine case drains a quarantine as big as the heap inside one
 * alloc, and a larger one passed the VM's 131,072-opcode slice (InfiniteLoop).
 * Run by tests/vm.test.ts.
 */
import { HeapAllocator } from "../../src/api/global_alloc"
import { MultiAllocator } from "../../src/allocators/multi"
import { SystemAllocator } from "../../src/allocators/system"
import { StaticRegion } from "../../src/core/region"
import { DEBUG_CASES } from "../contract/debug"
import { registerForEach } from "./register_target"

registerForEach("debug modes", 8192, DEBUG_CASES, ["system"], [(r: StaticRegion): HeapAllocator => new SystemAllocator(r.size)])
registerForEach("debug modes", 8192, DEBUG_CASES, ["multi"], [(r: StaticRegion): HeapAllocator => new MultiAllocator(r)])
