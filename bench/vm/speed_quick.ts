/** VM program: bench/vm/speed.ts with 1 round (`npx tsx bench/vm_speed.ts --quick`). */
import { measureSpeed } from "./speed"

await measureSpeed(1)
