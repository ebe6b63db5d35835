/**
 * In-VM self-tests of the SystemAllocator (src/allocators/system.ts): the
 * conformance cases and the Allocator API cases the host runs, with blocks as
 * Buffers on the VM's own GC heap (an 8 KiB budget). The one conformance
 * clause that cannot apply (fragmentation) says why in its case table and
 * checks what the system allocator promises instead. Its own program: it
 * links only this allocator. Run by tests/vm.test.ts with devs run --test
 * --test-self-exit.
 */
import { HeapAllocator } from "../../src/api/global_alloc"
import { StaticRegion } from "../../src/core/region"
import { SystemAllocator } from "../../src/allocators/system"
import { ALLOCATOR_API_CASES } from "../contract/allocator_api"
import { CONFORMANCE_CASES } from "../contract/conformance"
import { registerForEach } from "./register_target"

const KINDS = ["system"]
const MAKERS: ((r: StaticRegion) => HeapAllocator)[] = [(r: StaticRegion) => new SystemAllocator(r.size)]

registerForEach("conformance", 8192, CONFORMANCE_CASES, KINDS, MAKERS)
registerForEach("Allocator API", 8192, ALLOCATOR_API_CASES, KINDS, MAKERS)
