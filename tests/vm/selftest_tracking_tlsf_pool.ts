/**
 * In-VM self-tests of TrackingAllocator for tlsf and pool: the cases of
 * selftest_tracking.ts (which covers buddy and bump; see there why the kinds
 * are split over two programs).
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_tracking_tlsf_pool.ts --test --test-self-exit`.
 */
import { PoolAllocator } from "../../src/pool"
import { StaticRegion } from "../../src/region"
import { TlsfAllocator } from "../../src/tlsf"
import { TRACKING_CASES } from "../contract/tracking"
import { registerCasesWith } from "./register_target"

registerCasesWith("Tracking", "tlsf", 8192, (r: StaticRegion) => new TlsfAllocator(r), TRACKING_CASES)
registerCasesWith("Tracking", "pool", 8192, (r: StaticRegion) => new PoolAllocator(r), TRACKING_CASES)
