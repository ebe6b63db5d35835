/** bench/vm/debug_cost_bestfit.ts — the VM layer-cost program for tests/vm/pair_bestfit.ts's allocators (bench/vm/debug_cost.ts). */
import { PAIR_KINDS, PAIR_MAKERS } from "../../tests/vm/pair_bestfit"
import { measureKinds } from "./debug_cost"

await measureKinds(PAIR_KINDS, PAIR_MAKERS)
