/** bench/vm/debug_cost_buddy_bump.ts — the VM layer-cost program for tests/vm/pair_buddy_bump.ts's allocators (bench/vm/debug_cost.ts). */
import { PAIR_KINDS, PAIR_MAKERS } from "../../tests/vm/pair_buddy_bump"
import { measureKinds } from "./debug_cost"

await measureKinds(PAIR_KINDS, PAIR_MAKERS)
