/**
 * In-VM self-tests of the tracking and OOM-hook layers over the allocators of
 * pair_system_multi.ts: the portable cases of tests/contract/tracking.ts (8 KiB)
 * and tests/contract/oom_hook.ts (4 KiB, as selftest_oom.ts). Run by
 * tests/vm.test.ts.
 */
import { OOM_CASES } from "../contract/oom_hook"
import { TRACKING_CASES } from "../contract/tracking"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_system_multi"
import { registerForEach } from "./register_target"

registerForEach("Tracking", 8192, TRACKING_CASES, PAIR_KINDS, PAIR_MAKERS)
registerForEach("OOM hook", 4096, OOM_CASES, PAIR_KINDS, PAIR_MAKERS)
