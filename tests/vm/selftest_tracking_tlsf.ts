/**
 * In-VM self-tests of TrackingAllocator (src/layers/tracking.ts) and the allocation
 * tags containers set (src/layers/alloc_tag.ts) over the tlsf allocator: the
 * portable cases of tests/contract/tracking.ts on 8 KiB regions. One
 * allocator per program: tlsf and pool together passed DeviceScript's 64 KB
 * of function bytecode (verification error 1051). Run by tests/vm.test.ts.
 */
import { TlsfAllocator } from "../../src/allocators/tlsf"
import { StaticRegion } from "../../src/core/region"
import { TRACKING_CASES } from "../contract/tracking"
import { registerForEach } from "./register_target"

registerForEach("Tracking", 8192, TRACKING_CASES, ["tlsf"], [(r: StaticRegion) => new TlsfAllocator(r)])
