/** VM program: bench/vm/speed.ts with 5 rounds (`npx tsx bench/vm_speed.ts`). */
import { measureSpeed } from "./speed"

await measureSpeed(5)
