/**
 * In-VM self-tests of the allocators: the same conformance cases the host
 * runs (tests/contract/conformance.ts), here inside DeviceScript's VM via
 * @devicescript/test, on an 8 KiB region (GC-stress makes every call cost
 * ~40 µs, so the region is smaller than a board's). The firmware's demo on a
 * board's real region is in selftest_demo.ts, a VM of its own.
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_alloc.ts --test --test-self-exit`.
 * The allocators come from the pair_*.ts files, not the registry: the registry links
 * every kind (system and multi too), which takes a program past DeviceScript's 64 KB of
 * function bytecode; system and multi have programs of their own.
 */
import { CONFORMANCE_CASES } from "../contract/conformance"
import { PAIR_KINDS as BB_KINDS, PAIR_MAKERS as BB_MAKERS } from "./pair_buddy_bump"
import { PAIR_KINDS as TP_KINDS, PAIR_MAKERS as TP_MAKERS } from "./pair_tlsf_pool"
import { PAIR_KINDS as BF_KINDS, PAIR_MAKERS as BF_MAKERS } from "./pair_bestfit"
import { registerForEach } from "./register_target"

registerForEach("conformance", 8192, CONFORMANCE_CASES, BB_KINDS, BB_MAKERS)
registerForEach("conformance", 8192, CONFORMANCE_CASES, TP_KINDS, TP_MAKERS)
registerForEach("conformance", 8192, CONFORMANCE_CASES, BF_KINDS, BF_MAKERS)
