/**
 * In-VM self-tests of the MultiAllocator (src/allocators/multi.ts): the
 * conformance cases over `new MultiAllocator(region)`, as registry.ts builds
 * "multi" for a suite — two TLSF parts carved out of the given 8 KiB region,
 * a hole between them. (MultiAllocator.forBoard runs in the VM for every
 * board in tests/vm_streams.test.ts.) Its own program: it links only TLSF
 * and the multi heap. Run by tests/vm.test.ts with devs run --test
 * --test-self-exit.
 */
import { HeapAllocator } from "../../src/api/global_alloc"
import { StaticRegion } from "../../src/core/region"
import { MultiAllocator } from "../../src/allocators/multi"
import { CONFORMANCE_CASES } from "../contract/conformance"
import { registerForEach } from "./register_target"

function carved(r: StaticRegion): HeapAllocator {
    return new MultiAllocator(r)
}

registerForEach("conformance", 8192, CONFORMANCE_CASES, ["multi"], [carved])
