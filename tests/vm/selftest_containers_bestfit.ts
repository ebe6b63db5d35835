/**
 * In-VM self-tests of Vec (src/collections/vec.ts) and HeapString (src/collections/heap_string.ts)
 * for the allocators of pair_bestfit.ts: the portable cases of
 * tests/contract/containers.ts on 8 KiB regions. Run by tests/vm.test.ts.
 */
import { CONTAINER_CASES } from "../contract/containers"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_bestfit"
import { registerForEach } from "./register_target"

registerForEach("Vec and HeapString", 8192, CONTAINER_CASES, PAIR_KINDS, PAIR_MAKERS)
