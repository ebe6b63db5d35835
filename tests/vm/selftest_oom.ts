/**
 * In-VM self-tests of the out-of-memory hook (src/layers/oom_hook.ts), its events
 * and its stream through the logging wrapper: the portable cases of
 * tests/contract/oom_hook.ts, for every allocator kind on a 4 KiB region.
 * A program of its own to keep each under DeviceScript's 64 KB of function
 * bytecode.
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_oom.ts --test --test-self-exit`.
 * The allocators come from the pair_*.ts files, not the registry: the registry links
 * every kind (system and multi too), which takes a program past DeviceScript's 64 KB of
 * function bytecode; system and multi have programs of their own.
 */
import { OOM_CASES } from "../contract/oom_hook"
import { PAIR_KINDS as BB_KINDS, PAIR_MAKERS as BB_MAKERS } from "./pair_buddy_bump"
import { PAIR_KINDS as TP_KINDS, PAIR_MAKERS as TP_MAKERS } from "./pair_tlsf_pool"
import { PAIR_KINDS as BF_KINDS, PAIR_MAKERS as BF_MAKERS } from "./pair_bestfit"
import { registerForEach } from "./register_target"

registerForEach("OOM hook", 4096, OOM_CASES, BB_KINDS, BB_MAKERS)
registerForEach("OOM hook", 4096, OOM_CASES, TP_KINDS, TP_MAKERS)
registerForEach("OOM hook", 4096, OOM_CASES, BF_KINDS, BF_MAKERS)
