/**
 * In-VM self-tests of TrackingAllocator (src/tracking.ts) and the allocation
 * tags containers set (src/alloc_tag.ts): the portable cases the host runs
 * (tests/contract/tracking.ts), inside DeviceScript's VM via
 * @devicescript/test, on 8 KiB regions, for buddy and bump; tlsf and pool are
 * in selftest_tracking_tlsf_pool.ts (with all four allocators one program
 * exceeds DeviceScript's 64 KB of function bytecode). A new allocator kind
 * needs a line in one of the two.
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_tracking.ts --test --test-self-exit`.
 */
import { BuddyAllocator } from "../../src/buddy"
import { BumpAllocator } from "../../src/bump"
import { StaticRegion } from "../../src/region"
import { TRACKING_CASES } from "../contract/tracking"
import { registerCasesWith } from "./register_target"

registerCasesWith("Tracking", "buddy", 8192, (r: StaticRegion) => new BuddyAllocator(r), TRACKING_CASES)
registerCasesWith("Tracking", "bump", 8192, (r: StaticRegion) => new BumpAllocator(r), TRACKING_CASES)
