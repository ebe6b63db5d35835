/**
 * In-VM self-tests of Vec, HeapString and Box for the allocators of
 * pair_system_multi.ts: the portable cases of tests/contract/containers.ts
 * and tests/contract/boxed.ts on 8 KiB (system keeps a grown Vec's address:
 * that case says so). Run by tests/vm.test.ts.
 */
import { BOX_CASES } from "../contract/boxed"
import { CONTAINER_CASES } from "../contract/containers"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_system_multi"
import { registerForEach } from "./register_target"

registerForEach("Vec and HeapString", 8192, CONTAINER_CASES, PAIR_KINDS, PAIR_MAKERS)
registerForEach("Box", 8192, BOX_CASES, PAIR_KINDS, PAIR_MAKERS)
