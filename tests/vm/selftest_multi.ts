/**
 * In-VM self-tests of the MultiAllocator (src/allocators/multi.ts): the
 * conformance cases over two TLSF regions (8 KiB given + 4 KiB modelled
 * past it, as registry.ts builds "multi"). Its own program: it links only
 * TLSF and the multi heap. Run by tests/vm.test.ts with devs run --test
 * --test-self-exit.
 */
import { HeapAllocator } from "../../src/api/global_alloc"
import { StaticRegion } from "../../src/core/region"
import { MultiAllocator, MultiPolicy } from "../../src/allocators/multi"
import { TlsfAllocator } from "../../src/allocators/tlsf"
import { CONFORMANCE_CASES } from "../contract/conformance"
import { registerForEach } from "./register_target"

function twoRegions(r: StaticRegion): HeapAllocator {
    const second = new StaticRegion(0x20040000, 4096)
    return new MultiAllocator([new TlsfAllocator(r), new TlsfAllocator(second)], ["fast", "dma"], MultiPolicy.First)
}

registerForEach("conformance", 8192, CONFORMANCE_CASES, ["multi"], [twoRegions])
