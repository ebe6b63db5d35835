/**
 * In-VM self-tests of TrackingAllocator (src/layers/tracking.ts) and the allocation
 * tags containers set (src/layers/alloc_tag.ts) for the allocators of
 * pair_bestfit.ts: the portable cases of tests/contract/tracking.ts on 8 KiB
 * regions. Run by tests/vm.test.ts.
 */
import { TRACKING_CASES } from "../contract/tracking"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_bestfit"
import { registerForEach } from "./register_target"

registerForEach("Tracking", 8192, TRACKING_CASES, PAIR_KINDS, PAIR_MAKERS)
